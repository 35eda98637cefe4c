import { withAuth } from '@/lib/http/with-auth.ts';
import { backupsOf } from '@/lib/http/backups.ts';
import { readBytes } from '@/lib/http/raw-body.ts';
import { MAX_BACKUP_BYTES } from '@/lib/apimachinery/limits.ts';
import { badRequest } from '@/lib/apimachinery/errors.ts';

export const dynamic = 'force-dynamic';

/**
 * Restores a backup: the file as the body (application/gzip), or ?backup=NAME for a stored one. ?dryRun=true
 * checks it and answers the diff against the live cluster without changing anything; ?trustKey=ID (repeatable)
 * accepts a backup signed by another cluster's key. The answer is a RestoreReport (diff per kind).
 */
export const POST = withAuth({ verb: 'create', resource: 'restores' }, async ({ platform, req, url }) => {
  const service = backupsOf(platform);
  const dryRunParam = url.searchParams.get('dryRun');
  if (dryRunParam !== null && !['true', 'false', 'All', ''].includes(dryRunParam))
    throw badRequest(`dryRun must be true or false (got ${JSON.stringify(dryRunParam)})`);
  const dryRun = dryRunParam === 'true' || dryRunParam === 'All' || dryRunParam === '';
  const stored = url.searchParams.get('backup');
  const file = stored ? await service.directory.read(stored) : await readBytes(req, MAX_BACKUP_BYTES);
  if (!file.length) throw badRequest('send the backup file as the request body (or ?backup=NAME of a stored one)');
  const trustKeyIds = url.searchParams.getAll('trustKey').filter(Boolean);
  return Response.json(await service.restore(file, { dryRun, trustKeyIds }));
});
