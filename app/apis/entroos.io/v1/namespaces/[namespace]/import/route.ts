import { withAuth } from '@/lib/http/with-auth.ts';
import { importNamespace, type ImportReport } from '@/lib/backup/index.ts';
import { readBytes } from '@/lib/http/raw-body.ts';
import { MAX_BODY_BYTES } from '@/lib/apimachinery/limits.ts';

export const dynamic = 'force-dynamic';

/** Applies a YAML stream in the namespace (created when missing); one result or Status per document. */
export const POST = withAuth({ verb: 'create', resource: 'backups' }, async ({ platform, params, req }) => {
  const text = (await readBytes(req, MAX_BODY_BYTES)).toString('utf8');
  const items = await importNamespace(platform.api, String(params.namespace), text);
  const failed = items.filter((i) => i.status).length;
  return Response.json({ kind: 'ImportResult', apiVersion: 'entroos.io/v1', failed, items } satisfies ImportReport);
});
