import type { KubeObject } from '../apimachinery/object.ts';
import type { Accounts } from '../store/index.ts';
import { isBackedUp, isRemovable } from './content.ts';

// What a restore would change, per kind. Objects are matched by resource, namespace and name:
//   added     in the backup, not live
//   removed   live, not in the backup (never Nodes nor the system namespaces, which a restore keeps)
//   changed   in both, and different: their JSON with object keys sorted differs once metadata.resourceVersion
//             (new on every write) and the `time` of each metadata.managedFields entry are left out; a different
//             uid (the object was deleted and created again) is a change
// Users match by username, tokens by their hash, settings by key; a restore adds and changes them but removes none.

export interface KindDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
}

export type BackupDiff = Record<string, KindDiff>;

const nameOf = (o: KubeObject) =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** The object as "changed" compares it. */
export function comparable(o: KubeObject): string {
  const { resourceVersion: _rv, managedFields, ...metadata } = o.metadata;
  void _rv;
  const fields = Array.isArray(managedFields)
    ? managedFields.map((m: unknown) => {
        if (!m || typeof m !== 'object') return m;
        const { time: _time, ...rest } = m as Record<string, unknown>;
        void _time;
        return rest;
      })
    : managedFields;
  return JSON.stringify(
    canonical({ ...o, metadata: fields === undefined ? metadata : { ...metadata, managedFields: fields } }),
  );
}

export const sameObject = (a: KubeObject, b: KubeObject) => comparable(a) === comparable(b);

const empty = (): KindDiff => ({ added: [], changed: [], removed: [], unchanged: 0 });

/** The difference per resource between a backup's objects and the live ones. */
export function diffObjects(backup: Map<string, KubeObject[]>, live: Map<string, KubeObject[]>): BackupDiff {
  const diff: BackupDiff = {};
  for (const resource of new Set([...backup.keys(), ...live.keys()])) {
    const d = empty();
    const liveByName = new Map<string, KubeObject>();
    for (const o of live.get(resource) ?? [])
      if (isBackedUp(resource, o.metadata.namespace ?? '')) liveByName.set(nameOf(o), o);
    const seen = new Set<string>();
    for (const o of backup.get(resource) ?? []) {
      const name = nameOf(o);
      seen.add(name);
      const current = liveByName.get(name);
      if (!current) d.added.push(name);
      else if (sameObject(o, current)) d.unchanged++;
      else d.changed.push(name);
    }
    for (const [name, o] of liveByName) if (!seen.has(name) && isRemovable(resource, o)) d.removed.push(name);
    if (d.added.length || d.changed.length || d.removed.length || d.unchanged) {
      d.added.sort();
      d.changed.sort();
      d.removed.sort();
      diff[resource] = d;
    }
  }
  return diff;
}

/** The difference between a backup's accounts and the live ones (nothing is ever removed). */
export function diffAccounts(backup: Accounts, live: Accounts): BackupDiff {
  const users = empty();
  const liveUsers = new Map(live.users.map((u) => [u.username, u]));
  for (const u of backup.users) {
    const current = liveUsers.get(u.username);
    if (!current) users.added.push(u.username);
    else if (current.passwordHash !== u.passwordHash || current.role !== u.role || current.disabled !== u.disabled)
      users.changed.push(u.username);
    else users.unchanged++;
  }
  const tokens = empty();
  const backupUserNames = new Map(backup.users.map((u) => [u.id, u.username]));
  const liveUserNames = new Map(live.users.map((u) => [u.id, u.username]));
  const liveTokens = new Map(live.tokens.map((t) => [t.secretHash, t]));
  for (const t of backup.tokens) {
    const current = liveTokens.get(t.secretHash);
    const label = `${t.prefix} (${t.name})`;
    if (!current) tokens.added.push(label);
    else if (
      current.name !== t.name ||
      current.expiresAt !== t.expiresAt ||
      current.revokedAt !== t.revokedAt ||
      liveUserNames.get(current.userId) !== backupUserNames.get(t.userId)
    )
      tokens.changed.push(label);
    else tokens.unchanged++;
  }
  const settings = empty();
  const liveSettings = new Map(live.settings.map((s) => [s.key, s.value]));
  for (const s of backup.settings) {
    const current = liveSettings.get(s.key);
    if (current === undefined) settings.added.push(s.key);
    else if (current !== s.value) settings.changed.push(s.key);
    else settings.unchanged++;
  }
  return { users, tokens, settings };
}

export function totals(diff: BackupDiff): { added: number; changed: number; removed: number; unchanged: number } {
  const t = { added: 0, changed: 0, removed: 0, unchanged: 0 };
  for (const d of Object.values(diff)) {
    t.added += d.added.length;
    t.changed += d.changed.length;
    t.removed += d.removed.length;
    t.unchanged += d.unchanged;
  }
  return t;
}
