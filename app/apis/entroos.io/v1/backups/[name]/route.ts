import { withAuth } from '@/lib/http/with-auth.ts';
import { backupsOf } from '@/lib/http/backups.ts';

export const dynamic = 'force-dynamic';

/** Downloads a stored backup. */
export const GET = withAuth({ verb: 'get', resource: 'backups' }, async ({ platform, params }) => {
  const name = String(params.name);
  const file = await backupsOf(platform).directory.read(name);
  return new Response(new Uint8Array(file), {
    headers: { 'content-type': 'application/gzip', 'content-disposition': `attachment; filename="${name}"` },
  });
});

export const DELETE = withAuth({ verb: 'delete', resource: 'backups' }, async ({ platform, params }) => {
  const name = String(params.name);
  await backupsOf(platform).directory.remove(name);
  return Response.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name } });
});
