import type { KubeObject } from '../apimachinery/object.ts';
import type { Accounts, Store } from '../store/index.ts';
import { jsonLines, parseJsonLines, refused, type BackupManifest, type OpenedBackup } from './format.ts';

// What goes into a backup and how it reads back. Every API object is kept, except
//   - Events (events, events.events.k8s.io): a record of what happened, expiring within the hour, not state;
//   - the kube-node-lease namespace's objects: node heartbeats, rewritten every few seconds by the live nodes.
// A restore never removes live Nodes (their agents are running and would register them again at once) nor the
// system namespaces, even when the backup lacks them.

const SKIPPED_RESOURCES: ReadonlySet<string> = new Set(['events', 'events.events.k8s.io']);
const SKIPPED_NAMESPACES: ReadonlySet<string> = new Set(['kube-node-lease']);
const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** The store as backups and restores use it (on a leader, whose cache is writable). */
export type BackupStore = Pick<Store, 'objects' | 'backup' | 'provider'>;

export const isBackedUp = (resource: string, namespace: string) =>
  !SKIPPED_RESOURCES.has(resource) && !SKIPPED_NAMESPACES.has(namespace);

/** Whether a restore may delete this live object when the backup lacks it. */
export const isRemovable = (resource: string, object: KubeObject) =>
  resource !== 'nodes' && !(resource === 'namespaces' && SYSTEM_NAMESPACES.has(object.metadata.name));

/** A Secret as a backup line: the sealed row and what locates it. */
interface SealedLine {
  namespace: string;
  name: string;
  uid: string;
  sealed: string;
}

const OBJECTS = 'objects/';
export const objectsPart = (resource: string) => `${OBJECTS}${resource}.jsonl`;
export const ACCOUNT_PARTS = {
  users: 'accounts/users.jsonl',
  tokens: 'accounts/tokens.jsonl',
  settings: 'accounts/settings.jsonl',
} as const;

const byKey = (a: KubeObject, b: KubeObject) => {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** The parts of a backup of `objects` (a snapshot of the cache) and `accounts`, and their counts. */
export function backupParts(
  store: BackupStore,
  objects: Map<string, KubeObject[]>,
  accounts: Accounts,
): { parts: { name: string; data: Buffer; count: number }[]; counts: Record<string, number> } {
  const parts: { name: string; data: Buffer; count: number }[] = [];
  const counts: Record<string, number> = {};
  for (const [resource, all] of [...objects].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const kept = all.filter((o) => isBackedUp(resource, o.metadata.namespace ?? '')).sort(byKey);
    if (!kept.length) continue;
    const lines = store.backup.sealed(resource)
      ? kept.map((o): SealedLine => ({
          namespace: o.metadata.namespace ?? '',
          name: o.metadata.name,
          uid: o.metadata.uid,
          sealed: store.backup.seal(resource, o),
        }))
      : kept;
    parts.push({ name: objectsPart(resource), data: jsonLines(lines), count: kept.length });
    counts[resource] = kept.length;
  }
  for (const key of ['users', 'tokens', 'settings'] as const) {
    parts.push({ name: ACCOUNT_PARTS[key], data: jsonLines(accounts[key]), count: accounts[key].length });
    counts[key] = accounts[key].length;
  }
  return { parts, counts };
}

export interface BackupContent {
  manifest: BackupManifest;
  /** Objects per resource, Secrets opened. */
  objects: Map<string, KubeObject[]>;
  accounts: Accounts;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The objects and accounts of a checked backup. Secrets are opened with this cluster's key: a backup whose Secrets
 * were sealed with another key is refused, naming the key it needs.
 */
export function readContent(store: BackupStore, opened: OpenedBackup): BackupContent {
  const { manifest, parts } = opened;
  if ((manifest.counts.secrets ?? 0) > 0 && manifest.secretKeyId !== store.backup.secretKeyId)
    throw refused(
      `its Secrets are sealed with secret key ${manifest.secretKeyId}, but this cluster's ENTROOS_SECRET_KEY is ${store.backup.secretKeyId}: start the server with the key the backup was taken under`,
      objectsPart('secrets'),
    );
  const objects = new Map<string, KubeObject[]>();
  for (const part of manifest.parts) {
    if (!part.name.startsWith(OBJECTS)) continue;
    const resource = part.name.slice(OBJECTS.length).replace(/\.jsonl$/, '');
    const lines = parseJsonLines(part.name, parts.get(part.name) ?? Buffer.alloc(0));
    const list: KubeObject[] = [];
    lines.forEach((line, i) => {
      if (!isRecord(line)) throw refused(`part ${part.name}, line ${i + 1}: not an object`, part.name);
      if (typeof line.sealed === 'string') {
        const s = line as unknown as SealedLine;
        try {
          list.push(store.backup.open(resource, s.namespace, s.name, s.sealed));
        } catch (err) {
          throw refused(`part ${part.name}, line ${i + 1}: ${(err as Error).message}`, part.name);
        }
        return;
      }
      const meta = line.metadata;
      if (!isRecord(meta) || typeof meta.name !== 'string' || typeof meta.uid !== 'string')
        throw refused(`part ${part.name}, line ${i + 1}: an object without metadata.name and uid`, part.name);
      list.push(line as KubeObject);
    });
    objects.set(resource, list);
  }
  const accountPart = <K extends keyof Accounts>(key: K): Accounts[K] => {
    const name = ACCOUNT_PARTS[key];
    const data = parts.get(name);
    return (data ? parseJsonLines(name, data) : []) as Accounts[K];
  };
  return {
    manifest,
    objects,
    accounts: { users: accountPart('users'), tokens: accountPart('tokens'), settings: accountPart('settings') },
  };
}
