import { withAuth } from '@/lib/http/with-auth.ts';
import { backupsOf } from '@/lib/http/backups.ts';

export const dynamic = 'force-dynamic';

/** The backups stored on the leader (ENTROOS_BACKUP_DIR), newest first, each with its manifest. */
export const GET = withAuth({ verb: 'list', resource: 'backups' }, async ({ platform }) =>
  Response.json({ kind: 'BackupList', apiVersion: 'entroos.io/v1', items: await backupsOf(platform).directory.list() }),
);

/**
 * Takes a backup now and stores it; answers its name and manifest, or with ?download=true the file itself
 * (application/gzip, its name in Content-Disposition).
 */
export const POST = withAuth({ verb: 'create', resource: 'backups' }, async ({ platform, url }) => {
  const { file, ...stored } = await backupsOf(platform).createStored();
  if (url.searchParams.get('download') === 'true')
    return new Response(new Uint8Array(file), {
      status: 201,
      headers: {
        'content-type': 'application/gzip',
        'content-disposition': `attachment; filename="${stored.name}"`,
        'x-entroos-backup-name': stored.name,
      },
    });
  return Response.json({ kind: 'Backup', apiVersion: 'entroos.io/v1', ...stored }, { status: 201 });
});
