import { withAuth } from '@/lib/http/with-auth.ts';
import { getMetrics } from '@/lib/metrics.ts';

// A non-resource URL, as in Kubernetes: RBAC rules grant it by nonResourceURLs (entroos:metrics-reader does).
export const GET = withAuth({ verb: 'get', resource: 'metrics', path: '/metrics' }, async () => {
  const { registry } = getMetrics();
  return new Response(await registry.metrics(), { headers: { 'Content-Type': registry.contentType } });
});

export const dynamic = 'force-dynamic';
