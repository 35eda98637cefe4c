import { withAuth } from '@/lib/http/with-auth.ts';
import { notFound } from '@/lib/apimachinery/errors.ts';
import { requestOrigin } from '@/lib/http/origin.ts';
import { referenceDocument, wholeReferenceDocument, withServer } from '@/lib/http/reference/documents.ts';

export const dynamic = 'force-dynamic';

/** The whole API as one OpenAPI 3 document, or one group-version's: …/openapi/core/v1, …/openapi/apps/v1. */
export const GET = withAuth({ verb: 'get', resource: 'whoami' }, ({ req, params }) => {
  const id = ((params.path as string[] | undefined) ?? []).join('/');
  const doc = id ? referenceDocument(id) : wholeReferenceDocument();
  if (!doc) throw notFound(`no API group-version "${id}" is served (try core/v1, apps/v1 or entroos.io/v1)`);
  return Response.json(withServer(doc, requestOrigin(req)), { headers: { 'Cache-Control': 'no-cache, private' } });
});
