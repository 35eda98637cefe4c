import { withAuth } from '@/lib/gateway/with-auth.ts';
import { getMetrics } from '@/lib/gateway/metrics.ts';

export const GET = withAuth({ verb: 'get', resource: 'metrics' }, async () => {
  const { registry } = getMetrics();
  return new Response(await registry.metrics(), { headers: { 'Content-Type': registry.contentType } });
});

export const dynamic = 'force-dynamic';
