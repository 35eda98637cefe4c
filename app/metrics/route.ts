import { withAuth } from '@/lib/http/with-auth.ts';
import { getMetrics } from '@/lib/metrics.ts';

export const GET = withAuth({ verb: 'get', resource: 'metrics' }, async () => {
  const { registry } = getMetrics();
  return new Response(await registry.metrics(), { headers: { 'Content-Type': registry.contentType } });
});

export const dynamic = 'force-dynamic';
