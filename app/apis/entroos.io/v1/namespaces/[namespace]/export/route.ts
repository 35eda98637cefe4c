import { withAuth } from '@/lib/http/with-auth.ts';
import { exportNamespace } from '@/lib/backup/index.ts';

export const dynamic = 'force-dynamic';

/** The namespace's objects as YAML, cleaned of what the server fills in (?includeSecrets=true adds Secrets). */
export const GET = withAuth({ verb: 'get', resource: 'backups' }, ({ platform, params, url }) => {
  const namespace = String(params.namespace);
  const yaml = exportNamespace(platform.api, namespace, {
    includeSecrets: url.searchParams.get('includeSecrets') === 'true',
  });
  return new Response(yaml, {
    headers: {
      'content-type': 'application/yaml; charset=utf-8',
      'content-disposition': `attachment; filename="${namespace}.yaml"`,
    },
  });
});
