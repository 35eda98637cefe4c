import { withAuth } from '@/lib/http/with-auth.ts';
import { notFound } from '@/lib/apimachinery/errors.ts';
import { openApiDocument, openApiRoot } from '@/lib/apiserver/openapi/document.ts';

export const dynamic = 'force-dynamic';

export const GET = withAuth({ verb: 'get', resource: 'whoami' }, ({ params }) => {
  const path = ((params.path as string[] | undefined) ?? []).join('/');
  if (!path) return Response.json(openApiRoot());
  const doc = openApiDocument(path);
  if (!doc) throw notFound(`no OpenAPI document for ${path}`);
  return Response.json(doc, { headers: { 'Cache-Control': 'public, max-age=31536000, immutable' } });
});
