import { withAuth } from '@/lib/http/with-auth.ts';
import { negotiateV2, openApiV2Body, V2_PROTOBUF } from '@/lib/apiserver/openapi/v2.ts';

export const dynamic = 'force-dynamic';

// The Swagger 2.0 document, JSON or gnostic protobuf by Accept (kubectl asks for protobuf only), with an ETag.
export const GET = withAuth({ verb: 'get', resource: 'whoami' }, ({ req }) => {
  const format = negotiateV2(req.headers.get('accept'));
  if (!format) {
    const message = `only application/json and ${V2_PROTOBUF} are served at /openapi/v2`;
    return Response.json(
      {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message,
        reason: 'NotAcceptable',
        code: 406,
      },
      { status: 406 },
    );
  }
  const { body, contentType, etag } = openApiV2Body(format);
  const headers = { 'Content-Type': contentType, ETag: etag, Vary: 'Accept', 'Cache-Control': 'no-cache, private' };
  if (req.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
  return new Response(body, { headers });
});
