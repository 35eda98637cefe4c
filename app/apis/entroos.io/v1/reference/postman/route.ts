import { withAuth } from '@/lib/http/with-auth.ts';
import { requestOrigin } from '@/lib/http/origin.ts';
import { referencePostman } from '@/lib/http/reference/documents.ts';

export const dynamic = 'force-dynamic';

/** A Postman collection (v2.1) of every operation, with this server as {{baseUrl}}. */
export const GET = withAuth({ verb: 'get', resource: 'whoami' }, ({ req }) =>
  Response.json(referencePostman(requestOrigin(req)), {
    headers: {
      'Content-Disposition': 'attachment; filename="entroos.postman_collection.json"',
      'Cache-Control': 'no-cache, private',
    },
  }),
);
