import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../lib/store/index.ts';
import { clusterKeyFromPem } from '../lib/auth/cluster-key.ts';
import { createBackup } from '../lib/backup/create.ts';
import { restoreBackup } from '../lib/backup/restore.ts';
import type { KubeObject } from '../lib/apimachinery/object.ts';

// Backup and restore of 10,000 objects (6,000 pods, 3,000 ConfigMaps, 1,000 Secrets, in 10 namespaces) on SQLite
// files: the backup's time from the snapshot to the signed tar.gz in memory, the restore's from the file to every
// object durable in a fresh, empty store (checks, diff, writes, commit). Same code as the API's, without HTTP.

export interface BackupFigures {
  backup_10k_objects_s: number;
  restore_10k_objects_s: number;
  backup_bytes: number;
}

export const BACKUP_TARGETS = { backup_10k_objects_s: 5, restore_10k_objects_s: 10 };

const pod = (ns: string, i: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: `web-${i}`,
    namespace: ns,
    uid: randomBytes(16).toString('hex'),
    resourceVersion: '',
    creationTimestamp: new Date().toISOString(),
    labels: { app: 'web', tier: 'frontend', shard: String(i % 7) },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-6d4cf56db6', uid: 'rs', controller: true },
    ],
  },
  spec: {
    nodeName: `node-${i % 8}`,
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
  },
  status: {
    phase: 'Running',
    podIP: `10.244.${i % 250}.${i % 200}`,
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }],
    containerStatuses: [{ name: 'web', ready: true, restartCount: 0, image: 'nginx:1.27', state: { running: {} } }],
  },
});

const configMap = (ns: string, i: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: `cfg-${i}`,
    namespace: ns,
    uid: randomBytes(16).toString('hex'),
    resourceVersion: '',
    labels: { app: 'web' },
  },
  data: { 'app.properties': `key=${randomBytes(64).toString('hex')}\nmode=production\n` },
});

const secret = (ns: string, i: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'Opaque',
  metadata: { name: `db-${i}`, namespace: ns, uid: randomBytes(16).toString('hex'), resourceVersion: '' },
  data: { password: randomBytes(24).toString('base64') },
});

async function fill(store: Store) {
  const writes: Promise<void>[] = [];
  for (let n = 0; n < 10; n++) {
    const ns = `bench-${n}`;
    writes.push(
      store.objects.write('namespaces', undefined, ns, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns, uid: randomBytes(16).toString('hex'), resourceVersion: '' },
      }).done,
    );
    for (let i = 0; i < 600; i++) writes.push(store.objects.write('pods', ns, `web-${i}`, pod(ns, i)).done);
    for (let i = 0; i < 300; i++) writes.push(store.objects.write('configmaps', ns, `cfg-${i}`, configMap(ns, i)).done);
    for (let i = 0; i < 99; i++) writes.push(store.objects.write('secrets', ns, `db-${i}`, secret(ns, i)).done);
  }
  await Promise.all(writes);
}

export async function benchBackup(): Promise<BackupFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'entroos-bench-backup-'));
  const key = randomBytes(32);
  const signer = clusterKeyFromPem(
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  const source = await openStore(`file:${join(dir, 'source.db')}`, { secretKey: key });
  const target = await openStore(`file:${join(dir, 'target.db')}`, { secretKey: key });
  try {
    await fill(source);
    let started = performance.now();
    const { file, manifest } = await createBackup({ store: source, signer, version: 'bench' });
    const backupSeconds = (performance.now() - started) / 1000;
    const objects = Object.entries(manifest.counts)
      .filter(([k]) => !['users', 'tokens', 'settings'].includes(k))
      .reduce((n, [, c]) => n + c, 0);
    if (objects < 10_000) throw new Error(`the backup holds ${objects} objects, not 10,000`);
    started = performance.now();
    const report = await restoreBackup({ store: target, clusterKeyId: signer.keyId }, file, { dryRun: false });
    const restoreSeconds = (performance.now() - started) / 1000;
    if (report.totals.added < 10_000) throw new Error(`the restore added ${report.totals.added} objects`);
    return {
      backup_10k_objects_s: Math.round(backupSeconds * 1000) / 1000,
      restore_10k_objects_s: Math.round(restoreSeconds * 1000) / 1000,
      backup_bytes: file.length,
    };
  } finally {
    await source.close();
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
