import { withAuth } from '@/lib/http/with-auth.ts';
import { exportAuditTrail } from '@/lib/http/audit.ts';

export const dynamic = 'force-dynamic';

/** The chain as JSON lines with its signed checkpoints, to verify offline with the cluster's public key. */
export const GET = withAuth({ verb: 'list', resource: 'audit' }, ({ platform }) => exportAuditTrail(platform));
