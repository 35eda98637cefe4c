// Server-side apply and field ownership (metadata.managedFields), as the Kubernetes API server does it with
// sigs.k8s.io/structured-merge-diff: `apply` merges an applied configuration into the live object, removes the
// fields the manager applied before and no longer does, and refuses (409) to change fields other managers own;
// `recordUpdate` records which fields an ordinary write (create, update, patch) changed.
//
// Pure and isomorphic: the caller passes the schema, the time and the manager, and stores the result. The caller
// also does what surrounds this in Kubernetes: preconditions (resourceVersion, uid), defaulting, validation,
// resetting status on the main resource and spec on the status subresource, and choosing the manager name for a
// write that sent none.
import { badRequest, conflict, type ApiError, type StatusCause } from './errors.ts';
import {
  FieldPathError,
  PathSet,
  compare,
  isJsonObject,
  jsonEqual,
  merge,
  nullPaths,
  pathString,
  put,
  removeItems,
  removeNulls,
  rootShape,
  toFieldSet,
  withNamedFields,
  type Comparison,
  type FieldsV1,
  type JsonObject,
  type Shape,
} from './field-set.ts';
import type { KubeObject } from './object.ts';
import type { SchemaObject } from './schema.ts';

export type { FieldsV1 } from './field-set.ts';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

export interface FieldOptions {
  /** The object's schema (kindSchema(...)); undefined for an untyped object (every field a granular map key). */
  schema: SchemaObject | undefined;
  /** A write to the main resource of a kind with a status subresource: status is neither applied nor tracked. */
  ignoreStatus?: boolean;
  /** 'status' for writes to the status subresource: only metadata and status are applied and tracked. */
  subresource?: string;
}

export interface ApplyInput extends FieldOptions {
  /** The stored object, or undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration (the request body). */
  applied: KubeObject;
  manager: string;
  force: boolean;
  /** The apiVersion the request used (apps/v1): recorded in the manager's entry. */
  apiVersion: string;
  /** The request time, RFC 3339 (2026-01-02T03:04:05Z). */
  now: string;
}

export interface ApplyResult {
  /** The merged object with its new metadata.managedFields; `live` itself when nothing changed. */
  object: KubeObject;
  /** False when the apply changed neither the object nor the ownership (a no-op the caller need not store). */
  changed: boolean;
}

export interface UpdateInput extends FieldOptions {
  /** The stored object, or undefined for a create. */
  live: KubeObject | undefined;
  /** The object the write will store. */
  next: KubeObject;
  manager: string;
  apiVersion: string;
  now: string;
}

// ---------------------------------------------------------------------------------------------------------------

/** Owns everything in an object that existed before the first apply to it (see `apply`). */
export const BEFORE_FIRST_APPLY = 'before-first-apply';
/** Collects the oldest Update entries once there are more than MAX_UPDATE_MANAGERS. */
export const ANCIENT_CHANGES = 'ancient-changes';
export const MAX_UPDATE_MANAGERS = 10;

// Fields no manager owns: identity and server-maintained metadata (Kubernetes' stripMeta set, plus the deletion
// fields the server sets). A member only: `f:metadata` is dropped as a leaf, never its children.
const SYSTEM_METADATA = [
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'selfLink',
  'managedFields',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];
// An applied configuration never changes these (the server owns them; preconditions are the caller's).
const SERVER_METADATA = new Set(SYSTEM_METADATA.filter((f) => f !== 'name' && f !== 'namespace'));
const STRIPPED = PathSet.of(
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...SYSTEM_METADATA.map((f) => ['f:metadata', `f:${f}`]),
);

interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource: string | undefined;
  time: string | undefined;
  set: PathSet;
}

type Managers = Map<string, Manager>;

/** Kubernetes' manager identifier: an applier is the same manager whatever apiVersion it applies with. */
const identity = (manager: string, operation: 'Apply' | 'Update', apiVersion: string, subresource?: string): string =>
  JSON.stringify([manager, operation, operation === 'Update' ? apiVersion : '', subresource ?? '']);

/** Top-level fields a write neither applies nor tracks. */
function ignoredTopLevel(options: FieldOptions): ((name: string) => boolean) | undefined {
  if (options.subresource === 'status') return (name) => name !== 'metadata' && name !== 'status';
  if (options.ignoreStatus) return (name) => name === 'status';
  return undefined;
}

/** A manager's set without untracked fields (Kubernetes' reset fields and stripMeta). */
function tracked(set: PathSet, options: FieldOptions): PathSet {
  const ignored = ignoredTopLevel(options);
  let out = set;
  if (ignored) {
    const drop = new PathSet();
    for (const pe of [...set.members, ...set.children.keys()])
      if (pe.startsWith('f:') && ignored(pe.slice(2))) drop.members.add(pe);
    out = out.recursiveDifference(drop);
  }
  return out.difference(STRIPPED);
}

function excludeIgnored(cmp: Comparison, options: FieldOptions): Comparison {
  const ignored = ignoredTopLevel(options);
  if (!ignored) return cmp;
  const drop = new PathSet();
  for (const set of [cmp.added, cmp.modified, cmp.removed])
    for (const pe of [...set.members, ...set.children.keys()])
      if (pe.startsWith('f:') && ignored(pe.slice(2))) drop.members.add(pe);
  return {
    added: cmp.added.recursiveDifference(drop),
    modified: cmp.modified.recursiveDifference(drop),
    removed: cmp.removed.recursiveDifference(drop),
  };
}

/** The object without metadata.managedFields, as the walks see it. */
function bodyOf(obj: KubeObject): JsonObject {
  const body = { ...obj } as unknown as JsonObject;
  if (isJsonObject(body.metadata) && Object.hasOwn(body.metadata, 'managedFields')) {
    const meta = { ...body.metadata };
    delete meta.managedFields;
    body.metadata = meta;
  }
  return body;
}

function withEntries(body: JsonObject, entries: ManagedFieldsEntry[]): KubeObject {
  const meta = { ...(isJsonObject(body.metadata) ? body.metadata : {}) } as JsonObject;
  delete meta.managedFields;
  if (entries.length) meta.managedFields = entries as unknown as JsonObject[];
  return { ...body, metadata: meta } as unknown as KubeObject;
}

// ---------------------------------------------------------------------------------------------------------------
// managedFields entries.

interface Decoded {
  managers: Managers;
  /** Some entry was malformed (and left out). */
  invalid: boolean;
}

// Stored objects are never changed in place, and neither are the managers and sets built here: the managers of a
// stored managedFields list are decoded once and reused by the next write to that object, and a set's FieldsV1 is
// encoded once (a write re-encodes only the entries it changed).
const decodedLists = new WeakMap<unknown[], Decoded>();
const encodedSets = new WeakMap<PathSet, FieldsV1>();

function decode(raw: unknown): Decoded {
  if (!Array.isArray(raw)) return { managers: new Map(), invalid: raw !== undefined && raw !== null };
  let done = decodedLists.get(raw);
  if (!done) decodedLists.set(raw, (done = decodeList(raw)));
  return { managers: new Map(done.managers), invalid: done.invalid };
}

function decodeList(raw: unknown[]): Decoded {
  const managers: Managers = new Map();
  let invalid = false;
  for (const entry of raw) {
    const m = decodeEntry(entry);
    if (!m) {
      invalid = true;
      continue;
    }
    const id = identity(m.manager, m.operation, m.apiVersion, m.subresource);
    const prev = managers.get(id);
    managers.set(id, prev ? { ...m, set: prev.set.union(m.set) } : m);
  }
  return { managers, invalid };
}

function decodeEntry(entry: unknown): Manager | undefined {
  if (!isJsonObject(entry)) return undefined;
  const { manager, operation, apiVersion, time, fieldsType, fieldsV1, subresource } = entry;
  if (typeof manager !== 'string' || (operation !== 'Apply' && operation !== 'Update')) return undefined;
  if (typeof apiVersion !== 'string' || apiVersion === '' || fieldsType !== 'FieldsV1') return undefined;
  if (time !== undefined && time !== null && typeof time !== 'string') return undefined;
  if (subresource !== undefined && subresource !== null && typeof subresource !== 'string') return undefined;
  let set: PathSet;
  try {
    set = fieldsV1 === undefined || fieldsV1 === null ? new PathSet() : PathSet.fromFieldsV1(fieldsV1);
  } catch {
    return undefined;
  }
  return {
    manager,
    operation,
    apiVersion,
    subresource: subresource || undefined,
    time: typeof time === 'string' ? time : undefined,
    set,
  };
}

/** The managedFields entries of an object (malformed entries left out). */
export function managedFieldsOf(obj: KubeObject): ManagedFieldsEntry[] {
  return encode(decode(obj.metadata.managedFields).managers);
}

const seconds = (time: string | undefined): number => {
  const ms = time ? Date.parse(time) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
};

function fieldsV1Of(set: PathSet): FieldsV1 {
  let out = encodedSets.get(set);
  if (!out) encodedSets.set(set, (out = set.toFieldsV1()));
  return out;
}

/** Kubernetes' order: Apply before Update, then oldest first, then by manager, apiVersion and subresource. */
function encode(managers: Managers): ManagedFieldsEntry[] {
  const kept: Managers = new Map([...managers].filter(([, m]) => !m.set.empty()));
  const list = [...kept.values()];
  list.sort(
    (p, q) =>
      (p.operation === q.operation ? 0 : p.operation < q.operation ? -1 : 1) ||
      seconds(p.time) - seconds(q.time) ||
      (p.manager === q.manager ? 0 : p.manager < q.manager ? -1 : 1) ||
      (p.apiVersion === q.apiVersion ? 0 : p.apiVersion < q.apiVersion ? -1 : 1) ||
      ((p.subresource ?? '') === (q.subresource ?? '') ? 0 : (p.subresource ?? '') < (q.subresource ?? '') ? -1 : 1),
  );
  const entries = list.map((m): ManagedFieldsEntry => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time !== undefined ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: fieldsV1Of(m.set),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
  // The next write to the object that stores this list decodes it to these same managers.
  decodedLists.set(entries, { managers: kept, invalid: false });
  return entries;
}

function sameOwnership(a: Managers, b: Managers): boolean {
  const live = (m: Managers) => [...m].filter(([, v]) => !v.set.empty());
  const x = live(a);
  const y = live(b);
  if (x.length !== y.length) return false;
  for (const [id, m] of x) {
    const o = b.get(id);
    if (!o || o.apiVersion !== m.apiVersion || !o.set.equals(m.set)) return false;
  }
  return true;
}

/**
 * Kubernetes keeps at most 10 Update entries: the oldest are merged, per apiVersion, into one "ancient-changes"
 * entry (which keeps the time of the newest update merged into it).
 */
function capUpdateManagers(managers: Managers): void {
  const updaters = [...managers].filter(([, m]) => m.operation === 'Update');
  let count = updaters.length;
  if (count <= MAX_UPDATE_MANAGERS) return;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || (ia < ib ? -1 : ia > ib ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  for (const [id, m] of updaters) {
    if (count <= MAX_UPDATE_MANAGERS) break;
    const bucketId = identity(ANCIENT_CHANGES, 'Update', m.apiVersion);
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, id);
      continue;
    }
    let bucket = managers.get(bucketId);
    if (!bucket) {
      const firstManager = managers.get(first);
      if (!firstManager) continue;
      managers.delete(first);
      bucket = { ...firstManager, manager: ANCIENT_CHANGES, subresource: undefined };
    }
    managers.set(bucketId, { ...bucket, set: m.set.union(bucket.set), time: m.time });
    if (id !== bucketId) managers.delete(id);
    count--;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Ownership changes.

interface Conflict {
  id: string;
  manager: Manager;
  set: PathSet;
}

/**
 * SMD's Updater.update: the fields `cmp` changed are taken from every other manager (a conflict when not
 * forced), and the fields it removed are dropped from every other manager.
 */
function takeOwnership(cmp: Comparison, managers: Managers, self: string, force: boolean): Conflict[] {
  const changed = cmp.modified.union(cmp.added);
  const conflicts: Conflict[] = [];
  if (!changed.empty()) {
    for (const [id, m] of managers) {
      if (id === self) continue;
      const overlap = m.set.intersection(changed);
      if (!overlap.empty()) conflicts.push({ id, manager: m, set: overlap });
    }
  }
  if (conflicts.length && !force) return conflicts;
  for (const { id, manager, set } of conflicts) managers.set(id, { ...manager, set: manager.set.difference(set) });
  if (!cmp.removed.empty()) {
    for (const [id, m] of managers) if (id !== self) managers.set(id, { ...m, set: m.set.difference(cmp.removed) });
  }
  for (const [id, m] of managers) if (m.set.empty()) managers.delete(id);
  return [];
}

/** How Kubernetes names a manager in a conflict: `"kubectl" using apps/v1`, `"x" with subresource "status"`. */
function describeManager(m: Manager): string {
  let out = JSON.stringify(m.manager);
  if (m.subresource) out += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') out += ` using ${m.apiVersion}`;
  return out;
}

function conflictError(conflicts: Conflict[]): ApiError {
  const byManager = conflicts
    .map(({ id, manager, set }) => ({ who: describeManager(manager), id, paths: set.paths().map(pathString) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const causes: StatusCause[] = byManager.flatMap(({ who, paths }) =>
    paths.map((field) => ({ reason: 'FieldManagerConflict', message: `conflict with ${who}`, field })),
  );
  const message =
    causes.length === 1
      ? `Apply failed with 1 conflict: conflict with ${byManager[0].who}: ${causes[0].field}`
      : `Apply failed with ${causes.length} conflicts: ${byManager
          .map(({ who, paths }) => [`conflicts with ${who}:`, ...paths.map((p) => `- ${p}`)].join('\n'))
          .join('\n')}`;
  return conflict(message, { causes });
}

/**
 * An Update by `self` from `lhs` to `rhs` (SMD Updater.Update as Kubernetes' managedFieldsUpdater wraps it): the
 * changed fields move to `self`, removed fields leave every manager, and `self`'s entry is stamped with `now` only
 * when the write changed something.
 */
function recordChanges(
  lhs: JsonObject,
  rhs: JsonObject,
  shape: Shape,
  managers: Managers,
  self: Omit<Manager, 'set' | 'time'>,
  now: string,
  options: FieldOptions,
): void {
  const cmp = excludeIgnored(compare(lhs, rhs, shape), options);
  const id = identity(self.manager, self.operation, self.apiVersion, self.subresource);
  const current = tracked(cmp.modified.union(cmp.added), options);
  // The current operation is a manager of its own until the end, so its own earlier entry loses what it changed
  // or removed like any other.
  takeOwnership(cmp, managers, '\u0000current-operation', true);
  if (current.empty()) return;
  const previous = managers.get(id);
  managers.set(id, { ...self, set: previous ? current.union(previous.set) : current, time: now });
}

function badConfig(err: unknown, applied: KubeObject): never {
  if (err instanceof FieldPathError) {
    throw badRequest(
      `failed to create typed patch object (${applied.apiVersion ?? ''}, Kind=${applied.kind ?? ''}): ${err.message}`,
      [{ reason: 'FieldValueInvalid', message: err.detail, field: err.path }],
    );
  }
  throw err;
}

/** The applied configuration as it is merged: server-owned metadata and ignored top-level fields left out. */
function configOf(applied: KubeObject, options: FieldOptions): JsonObject {
  const ignored = ignoredTopLevel(options);
  const config: JsonObject = {};
  for (const [key, value] of Object.entries(applied as unknown as JsonObject)) {
    if (ignored?.(key) || value === undefined) continue;
    if (key === 'metadata' && isJsonObject(value)) {
      const meta: JsonObject = {};
      for (const [k, v] of Object.entries(value)) if (!SERVER_METADATA.has(k) && v !== undefined) put(meta, k, v);
      config.metadata = meta;
    } else put(config, key, value);
  }
  return config;
}

// ---------------------------------------------------------------------------------------------------------------
// The entry points.

/**
 * Server-side apply of `applied` by `manager` (PATCH with application/apply-patch+yaml).
 *
 * The result is `live` (or nothing, for a create) with every field of `applied` set, maps and structs merged
 * key by key, `map` lists item by item, `set` lists as unions and atomic lists replaced; an explicit null removes
 * a scalar or atomic field (and, on a map or list, what the manager applied there before: other managers'
 * entries stay, as in Kubernetes). Fields the manager applied last time and no longer applies are then removed
 * unless another manager owns them. The manager's Apply entry becomes exactly the fields of `applied`. Changing
 * a field another manager owns to a different value is a conflict (409 listing them all) unless `force`, which
 * takes those fields over.
 */
export function apply(input: ApplyInput): ApplyResult {
  const { live, applied, manager, force, apiVersion, now } = input;
  if (!manager) throw badRequest('PATCH, application/apply-patch+yaml requires a fieldManager');
  const appliedMeta = applied.metadata as unknown;
  if (isJsonObject(appliedMeta) && appliedMeta.managedFields !== undefined && appliedMeta.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }

  const shape = rootShape(input.schema);
  const liveBody: JsonObject = live ? bodyOf(live) : {};
  const before = live ? decode(live.metadata.managedFields).managers : new Map<string, Manager>();
  const managers: Managers = new Map(before);
  if (live && managers.size === 0) {
    // An object nobody tracked yet (created before ownership was recorded): its current fields belong to a
    // stand-in Update manager, so the first apply conflicts where it would change them.
    recordChanges({}, liveBody, shape, managers, update(BEFORE_FIRST_APPLY, input), now, input);
  }

  const config = configOf(applied, input);
  let configSet: PathSet;
  try {
    configSet = tracked(toFieldSet(config, shape, true), input);
  } catch (err) {
    badConfig(err, applied);
  }

  let merged = merge(liveBody, config, shape);
  const self = identity(manager, 'Apply', apiVersion, input.subresource);
  const last = managers.get(self)?.set;
  managers.set(self, {
    manager,
    operation: 'Apply',
    apiVersion,
    subresource: input.subresource,
    time: now,
    set: configSet,
  });
  if (last && !last.empty()) merged = prune(merged, managers, last, shape);

  const cmp = excludeIgnored(compare(liveBody, merged, shape), input);
  const conflicts = takeOwnership(cmp, managers, self, force);
  if (conflicts.length) throw conflictError(conflicts);

  const body = removeNulls(merged, nullPaths(config, shape), shape);
  capUpdateManagers(managers);
  if (live && jsonEqual(body, liveBody) && sameOwnership(managers, before)) return { object: live, changed: false };
  return { object: withEntries(body, encode(managers)), changed: true };
}

const update = (
  manager: string,
  input: { apiVersion: string; subresource?: string },
): Omit<Manager, 'set' | 'time'> => ({
  manager,
  operation: 'Update',
  apiVersion: input.apiVersion,
  subresource: input.subresource,
});

/**
 * SMD's prune: removes what the applier owned last time (`last`) and no longer applies, unless some manager
 * (the applier's new configuration included) owns it; fields nobody owns that were not the applier's stay.
 */
function prune(merged: JsonObject, managers: Managers, last: PathSet, shape: Shape): JsonObject {
  const lastFields = withNamedFields(last, shape);
  const pruned = removeItems(merged, lastFields, shape);
  let owned = new PathSet();
  for (const m of managers.values()) owned = owned.union(m.set);
  const mergedSet = withNamedFields(toFieldSet(merged, shape), shape);
  const prunedSet = withNamedFields(toFieldSet(pruned, shape), shape);
  const addedBack = removeItems(merged, mergedSet.difference(prunedSet.union(withNamedFields(owned, shape))), shape);
  const remaining = withNamedFields(toFieldSet(addedBack, shape), shape);
  return removeItems(merged, mergedSet.difference(remaining).intersection(lastFields), shape, true);
}

/**
 * Ownership for a write that is not an apply (create, update, patch): the fields it changed become `manager`'s
 * (one Update entry per manager, apiVersion and subresource) and leave every other manager; removed fields leave
 * every manager; entries left empty are dropped. Returns `next` with its managedFields set.
 *
 * As in Kubernetes: `next`'s own managedFields replace the stored ones when the client sent a non-empty, valid
 * list (not for a subresource), `[{}]` clears them, and an existing object that has no managedFields stays
 * untracked until it is first applied to.
 */
export function recordUpdate(input: UpdateInput): KubeObject {
  const { live, next, manager, now } = input;
  const shape = rootShape(input.schema);
  const sent = input.subresource ? undefined : next.metadata.managedFields;
  let managers: Managers;
  if (Array.isArray(sent) && sent.length > 0 && sent.every((e) => isJsonObject(e) && Object.keys(e).length === 0)) {
    managers = new Map();
  } else {
    const fromNext = Array.isArray(sent) && sent.length > 0 ? decode(sent) : undefined;
    managers =
      fromNext && !fromNext.invalid && fromNext.managers.size > 0
        ? fromNext.managers
        : live
          ? decode(live.metadata.managedFields).managers
          : new Map();
  }
  const nextBody = bodyOf(next);
  if (live && managers.size === 0) return withEntries(nextBody, []);
  recordChanges(live ? bodyOf(live) : {}, nextBody, shape, managers, update(manager, input), now, input);
  capUpdateManagers(managers);
  return withEntries(nextBody, encode(managers));
}

/** The fields an object sets, as its applier would own them (FieldsV1). */
export function fieldSetOf(
  obj: KubeObject,
  schema: SchemaObject | undefined,
  options: Omit<FieldOptions, 'schema'> = {},
): FieldsV1 {
  const opts = { ...options, schema };
  return tracked(toFieldSet(configOf(obj, opts), rootShape(schema)), opts).toFieldsV1();
}
