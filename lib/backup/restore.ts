import { ApiError } from '../apimachinery/errors.ts';
import type { KubeObject } from '../apimachinery/object.ts';
import { processGlobal } from '../global.ts';
import { readContent, type BackupStore } from './content.ts';
import { diffAccounts, diffObjects, totals, type BackupDiff } from './diff.ts';
import { openBackup, type BackupManifest } from './format.ts';

// A restore makes the cluster's objects what the backup holds: it creates what is missing, writes what differs,
// and deletes what the backup lacks (see diff.ts for what counts as which). It writes through the watch cache like
// any write, so:
//   - every restored object gets a new resourceVersion, higher than any a client has seen: versions never go
//     backwards, and watchers see ordinary ADDED / MODIFIED / DELETED events (no 410, no relist needed);
//   - the changes are committed by the group-commit writer and published to the other instances like any other
//     commit (only the leader can do this: a follower forwards restores to it);
//   - uids, creation times, owner references, labels, spec and status are the backup's, so owners and their
//     dependents still match.
// Controllers then act on the restored state as on any change (a restored Deployment's ReplicaSet and pods are
// restored along with it, so they have nothing to do unless the two disagree).

export interface RestoreOptions {
  dryRun: boolean;
  /** Signing keys trusted besides this cluster's own (a backup of another cluster, by key id). */
  trustKeyIds?: string[];
}

export interface RestoreReport {
  kind: 'RestoreReport';
  apiVersion: 'entroos.io/v1';
  dryRun: boolean;
  backup: Pick<
    BackupManifest,
    'createdAt' | 'resourceVersion' | 'entroosVersion' | 'sourceDatabase' | 'secretKeyId' | 'counts'
  > & { signerKeyId: string };
  /** Per resource (and users, tokens, settings): what the restore changes (a dry run: would change). */
  diff: BackupDiff;
  totals: { added: number; changed: number; removed: number; unchanged: number };
  /** After a restore: the cluster's resourceVersion once every restored write was durable. */
  resourceVersion?: number;
}

export interface RestoreDeps {
  store: BackupStore;
  /** This cluster's signing key id: backups it signed are trusted. */
  clusterKeyId: string;
}

const RESTORING = 'backup.restoring';

// The kinds other objects live in or are typed by go first; deletions run the other way round.
const FIRST = ['customresourcedefinitions.apiextensions.k8s.io', 'namespaces'];
const rank = (resource: string) => {
  const i = FIRST.indexOf(resource);
  return i < 0 ? FIRST.length : i;
};

export async function restoreBackup(deps: RestoreDeps, file: Buffer, options: RestoreOptions): Promise<RestoreReport> {
  const { store } = deps;
  const opened = openBackup(file, [deps.clusterKeyId, ...(options.trustKeyIds ?? [])]);
  const content = readContent(store, opened);
  const lock = processGlobal(RESTORING, () => ({ busy: false }));
  if (!options.dryRun) {
    if (store.objects.readOnly)
      throw new ApiError(503, 'ServiceUnavailable', 'a restore runs on the leader instance; retry shortly', {
        retryAfterSeconds: 2,
      });
    if (lock.busy) throw new ApiError(409, 'Conflict', 'another restore is running on this cluster; wait for it');
    lock.busy = true;
  }
  try {
    const live = await store.objects.snapshot();
    const objectsDiff = diffObjects(content.objects, live.objects);
    const diff = { ...objectsDiff, ...diffAccounts(content.accounts, await store.backup.accounts()) };
    const { manifest } = content;
    const report: RestoreReport = {
      kind: 'RestoreReport',
      apiVersion: 'entroos.io/v1',
      dryRun: options.dryRun,
      backup: {
        createdAt: manifest.createdAt,
        resourceVersion: manifest.resourceVersion,
        entroosVersion: manifest.entroosVersion,
        sourceDatabase: manifest.sourceDatabase,
        secretKeyId: manifest.secretKeyId,
        counts: manifest.counts,
        signerKeyId: manifest.signer.keyId,
      },
      diff,
      totals: totals(diff),
    };
    if (options.dryRun) return report;
    await applyObjects(store, content.objects, objectsDiff);
    await store.backup.applyAccounts(content.accounts);
    report.resourceVersion = store.objects.committedResourceVersion;
    return report;
  } finally {
    if (!options.dryRun) lock.busy = false;
  }
}

const splitName = (name: string): [string | undefined, string] => {
  const slash = name.indexOf('/');
  return slash < 0 ? [undefined, name] : [name.slice(0, slash), name.slice(slash + 1)];
};

async function applyObjects(store: BackupStore, objects: Map<string, KubeObject[]>, diff: BackupDiff) {
  const cache = store.objects;
  const pending: Promise<void>[] = [];
  const write = (resource: string, namespace: string | undefined, name: string, object: KubeObject | null) => {
    try {
      pending.push(cache.write(resource, namespace, name, object).done);
    } catch (err) {
      // Deleted meanwhile (a controller finishing a deletion): what the restore wanted already holds.
      if (object) throw err;
    }
  };
  const resources = Object.keys(diff).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  for (const resource of resources) {
    const d = diff[resource];
    const wanted = new Set([...d.added, ...d.changed]);
    if (!wanted.size) continue;
    for (const object of objects.get(resource) ?? []) {
      const { namespace, name, uid } = object.metadata;
      const key = namespace ? `${namespace}/${name}` : name;
      if (!wanted.has(key)) continue;
      const current = cache.get(resource, namespace, name);
      // Another object under the same name: it goes, and the backup's (its uid, its dependents) comes back.
      if (current && current.metadata.uid !== uid) write(resource, namespace, name, null);
      write(resource, namespace, name, structuredClone(object));
    }
  }
  for (const resource of [...resources].reverse())
    for (const key of diff[resource].removed) {
      const [namespace, name] = splitName(key);
      if (cache.get(resource, namespace, name)) write(resource, namespace, name, null);
    }
  await Promise.all(pending);
}
