import { withAuth } from '@/lib/http/with-auth.ts';
import { referenceIndex } from '@/lib/http/reference/documents.ts';

export const dynamic = 'force-dynamic';

/** The groups the API reference documents, with the URLs of their OpenAPI documents and the downloads. */
export const GET = withAuth({ verb: 'get', resource: 'whoami' }, () => Response.json(referenceIndex()));
