import { withAuth } from '@/lib/http/with-auth.ts';
import { podRowList } from '@/lib/apiserver/views.ts';

export const dynamic = 'force-dynamic';

/**
 * The pods table as compact rows (?namespace=&labelSelector=&fieldSelector=),
 * with the resourceVersion to watch from: what the dashboard lists instead of
 * every full pod.
 */
export const GET = withAuth({ verb: 'list', resource: 'pods' }, ({ platform, url }) => {
  const q = url.searchParams;
  return Response.json(
    podRowList(platform.api, {
      namespace: q.get('namespace') ?? undefined,
      labelSelector: q.get('labelSelector'),
      fieldSelector: q.get('fieldSelector'),
    }),
  );
});
