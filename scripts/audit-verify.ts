// `npm run audit:verify`: checks the audit trail in the database (DATABASE_URL) and prints
// "ok: N records, M checkpoints", or names the first bad record and exits 1.
//   npm run audit:verify -- --public-key           prints the cluster's public key (for offline checks)
//   npm run audit:verify -- --file a.jsonl [--file b.jsonl] --key cluster.pem
//                                                   checks exported or sink-written JSON-lines files offline
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../lib/config.ts';
import { openStore } from '../lib/store/index.ts';
import { CLUSTER_KEY_SETTING, clusterKeyFromPem } from '../lib/auth/cluster-key.ts';
import { describeResult } from '../lib/audit/chain.ts';
import { verifyStoredTrail } from '../lib/audit/verify.ts';
import { verifyAuditFiles } from '../lib/audit/verify-files.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string', multiple: true },
      key: { type: 'string' },
      'public-key': { type: 'boolean' },
    },
  });
  if (values.file?.length) {
    if (!values.key) throw new Error('--file needs --key FILE: the cluster public key (PEM), from --public-key');
    const result = await verifyAuditFiles(values.file, readFileSync(values.key, 'utf8'));
    console.log(describeResult(result));
    return result.ok ? 0 : 1;
  }
  const config = loadConfig();
  const store = await openStore(config.databaseUrl, {
    secretKey: config.secretKey ? Buffer.from(config.secretKey, 'base64') : undefined,
  });
  try {
    const pem = await store.settings.get(CLUSTER_KEY_SETTING);
    if (!pem) {
      const count = await store.audit.count();
      if (count) throw new Error(`${count} audit records but no cluster key to check their signatures`);
      console.log('ok: 0 records, 0 checkpoints');
      return 0;
    }
    const key = clusterKeyFromPem(pem);
    if (values['public-key']) {
      process.stdout.write(key.publicKeyPem);
      return 0;
    }
    const result = await verifyStoredTrail(store, key.publicKeyPem);
    console.log(describeResult(result));
    return result.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`audit verify: ${err instanceof ConfigError ? err.message : (err as Error).message}`);
    process.exit(2);
  },
);
