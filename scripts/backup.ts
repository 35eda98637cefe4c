// `npm run backup -- <command>`: backups, restores, and namespace export/import through a running server's API.
//   create [-o FILE]                     take a backup (stored on the server too) and write it to FILE
//   list                                 the backups stored on the server
//   download NAME [-o FILE]              fetch a stored backup
//   restore FILE [--dry-run] [--trust-key ID]
//                                        check a backup and show (dry run) or apply its diff against the cluster
//   export -n NS [-o FILE] [--include-secrets]
//   import FILE -n NS
// The server and token: ENTROOS_URL and ENTROOS_TOKEN, or --kubeconfig FILE (from `npm run kubeconfig`).
// Offline, with the server stopped: --database-url URL (create and restore, straight on the database; the
// Secret key comes from ENTROOS_SECRET_KEY or the key file beside the database, as the server finds it).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { backupClient, connectionFromKubeconfig, reportLines, type Connection } from '../lib/backup/remote.ts';
import type { RestoreReport } from '../lib/backup/index.ts';

function fail(message: string): never {
  console.error(`backup: ${message.split('\n')[0]}`);
  process.exit(1);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  strict: true,
  options: {
    output: { type: 'string', short: 'o' },
    namespace: { type: 'string', short: 'n' },
    'dry-run': { type: 'boolean', default: false },
    'trust-key': { type: 'string', multiple: true },
    'include-secrets': { type: 'boolean', default: false },
    kubeconfig: { type: 'string' },
    'database-url': { type: 'string' },
  },
});
const [command, arg] = positionals;

function connection(): Connection {
  if (values.kubeconfig) return connectionFromKubeconfig(readFileSync(values.kubeconfig, 'utf8'));
  const url = process.env.ENTROOS_URL;
  const token = process.env.ENTROOS_TOKEN;
  if (!url || !token)
    fail('set ENTROOS_URL and ENTROOS_TOKEN (an admin API token), or pass --kubeconfig FILE (npm run kubeconfig)');
  return { url, token };
}

function printReport(report: RestoreReport) {
  for (const line of reportLines(report, { names: 10 })) console.log(line);
}

/** Straight on the database, for when no server runs (refused while one holds the leader lease). */
async function offline(databaseUrl: string) {
  const { openStore } = await import('../lib/store/index.ts');
  const { loadClusterKey } = await import('../lib/auth/cluster-key.ts');
  const { backupService } = await import('../lib/backup/index.ts');
  const { APP_VERSION } = await import('../lib/http/health.ts');
  const secretKey = process.env.ENTROOS_SECRET_KEY ? Buffer.from(process.env.ENTROOS_SECRET_KEY, 'base64') : undefined;
  const store = await openStore(databaseUrl, { secretKey });
  try {
    const lease = await store.leases.get('entroos-leader');
    if (lease && lease.expiresAt.getTime() > Date.now())
      fail(`a server (${lease.address}) is running on this database: use the API (drop --database-url), or stop it`);
    const clusterKey = await loadClusterKey(store.settings);
    const service = backupService({
      store,
      clusterKey,
      version: APP_VERSION,
      dir: process.env.ENTROOS_BACKUP_DIR ?? './data/backups',
    });
    if (command === 'create') {
      const { file, manifest } = await service.create();
      const out = values.output ?? `entroos-backup-rv${manifest.resourceVersion}.tar.gz`;
      writeFileSync(out, file, { mode: 0o600 });
      console.log(`wrote ${out} (${file.length} bytes, resourceVersion ${manifest.resourceVersion})`);
    } else if (command === 'restore') {
      if (!arg) fail('restore FILE [--dry-run]');
      printReport(
        await service.restore(readFileSync(arg), { dryRun: values['dry-run'], trustKeyIds: values['trust-key'] }),
      );
    } else fail(`offline (--database-url) supports create and restore, not ${command}`);
  } finally {
    await store.close();
  }
}

async function main() {
  if (values['database-url']) return offline(values['database-url']);
  const client = backupClient(connection());
  switch (command) {
    case 'create': {
      const { name, file } = await client.create();
      const out = values.output ?? name;
      writeFileSync(out, file, { mode: 0o600 });
      console.log(`wrote ${out} (${file.length} bytes); stored on the server as ${name}`);
      return;
    }
    case 'list': {
      const items = await client.list();
      if (!items.length) console.log('no stored backups');
      for (const b of items)
        console.log(
          b.manifest
            ? `${b.name}  ${b.bytes} bytes  rv ${b.manifest.resourceVersion}  ${b.manifest.createdAt}  ${Object.entries(
                b.manifest.counts,
              )
                .map(([k, n]) => `${k}=${n}`)
                .join(' ')}`
            : `${b.name}  ${b.bytes} bytes  unreadable: ${b.error}`,
        );
      return;
    }
    case 'download': {
      if (!arg) fail('download NAME [-o FILE]');
      const file = await client.download(arg);
      writeFileSync(values.output ?? arg, file, { mode: 0o600 });
      console.log(`wrote ${values.output ?? arg} (${file.length} bytes)`);
      return;
    }
    case 'restore': {
      if (!arg) fail('restore FILE [--dry-run] [--trust-key ID]');
      printReport(
        await client.restore(readFileSync(arg), { dryRun: values['dry-run'], trustKeyIds: values['trust-key'] }),
      );
      return;
    }
    case 'export': {
      if (!values.namespace) fail('export -n NAMESPACE [-o FILE]');
      const yaml = await client.exportNamespace(values.namespace, values['include-secrets']);
      if (values.output) writeFileSync(values.output, yaml);
      else process.stdout.write(yaml);
      return;
    }
    case 'import': {
      if (!arg || !values.namespace) fail('import FILE -n NAMESPACE');
      const { failed, items } = await client.importNamespace(values.namespace, readFileSync(arg, 'utf8'));
      for (const i of items)
        console.log(
          `${i.kind ?? '?'}/${i.name ?? `document ${i.index}`}: ${i.result ?? `error: ${i.status?.message}`}`,
        );
      if (failed) fail(`${failed} of ${items.length} documents failed`);
      return;
    }
    default:
      fail('usage: npm run backup -- create|list|download|restore|export|import … (see scripts/backup.ts)');
  }
}

main().catch((err: unknown) => fail((err as Error).message));
