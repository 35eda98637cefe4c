import { withAuth } from '@/lib/http/with-auth.ts';
import { verifyAuditTrail } from '@/lib/http/audit.ts';

export const dynamic = 'force-dynamic';

/** Checks the whole chain (edits, deletions, reordering, truncation) and the signed checkpoints. */
export const GET = withAuth({ verb: 'get', resource: 'audit' }, async ({ platform }) =>
  Response.json(await verifyAuditTrail(platform)),
);
