import { withAuth } from '@/lib/http/with-auth.ts';
import { parseQuery } from '@/lib/http/parse.ts';
import { auditQuerySchema, searchAudit } from '@/lib/audit/search.ts';

export const dynamic = 'force-dynamic';

/** Audit records, newest first: ?user, ?verb, ?resource, ?namespace, ?name, ?since, ?until, ?limit, ?continue, ?format=summary. */
export const GET = withAuth({ verb: 'list', resource: 'audit' }, async ({ platform, url }) =>
  Response.json(await searchAudit(platform.store, parseQuery(url, auditQuerySchema))),
);
