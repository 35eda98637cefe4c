import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  ApiError,
  isApiError,
  type StatusCause,
} from '../apimachinery/errors.ts';
import type { CacheEvent, WatchCache } from '../store/index.ts';
import type { CacheWrite } from '../store/watch-cache.ts';
import { applyDefaults } from './defaults.ts';
import {
  clone,
  newUid,
  nextVersion,
  randomSuffix,
  timestamp,
  type KubeObject,
  type OwnerReference,
} from '../apimachinery/meta.ts';
import type {
  Namespace,
  ObjectMeta,
  Pod,
  PodSpec,
  PodStatus,
  PriorityClass,
  ServiceSpec,
  UserInfo,
} from '../apimachinery/generated/kinds.ts';
import { jsonEqual, jsonPatch, mergePatch, strategicMergePatch } from '../apimachinery/patch.ts';
import { apiVersionOf, storedTypes, typeByKey, type ResourceType } from '../apimachinery/registry.ts';
import { kindSchema, type SchemaObject } from '../apimachinery/schema.ts';
import {
  apply as applyFields,
  recordUpdate,
  type ApplyInput,
  type ApplyResult,
  type ManagedFieldsEntry,
} from '../apimachinery/managed-fields.ts';
import {
  compare,
  isJsonObject,
  pathString,
  rootShape,
  toFieldSet,
  type JsonObject,
} from '../apimachinery/field-set.ts';
import { fieldSelector, labelSelector } from '../apimachinery/selectors.ts';
import { validateMetadata, validateObject } from './validation.ts';
import { decodeBuiltin, decodeMetadata, reportUnknown, type DecodeOptions } from './decode.ts';
import {
  checkCreatable,
  customResourceCauses,
  customResourceChanged,
  decodeCustomResource,
  decodeCustomResourceStatus,
  prepareCrdForCreate,
  servedAs,
} from './crd/resource.ts';
import { invalidCustomResource, prune, schemaForVersion } from './crd/structural.ts';

// The Kubernetes object semantics over the watch cache: create, get, list,
// update, patch, delete with resourceVersions, optimistic concurrency,
// generation, finalizers, graceful deletion and owner references.

export interface ListOptions {
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number;
  continue?: string | null;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** One pod's binding for ObjectApi.bindAll. */
export interface Binding {
  namespace: string;
  name: string;
  nodeName: string;
  /** Ride along in the binding's write. */
  annotations?: Record<string, string>;
}

/** A binding's outcome: the pod as bound, or why it was refused or failed. */
export type BindOutcome = { pod: KubeObject; error?: undefined } | { pod?: undefined; error: Error };

export type PatchType = 'merge' | 'json' | 'strategic';

/**
 * Whether a write is stored, and who it is recorded for in metadata.managedFields; how unknown fields in the body
 * are treated (fieldValidation) and where the warnings go (DecodeOptions).
 */
export interface WriteOptions extends DecodeOptions {
  dryRun?: boolean;
  /**
   * The field manager (the request's fieldManager parameter, else its User-Agent): what the write changes becomes
   * its Update entry in metadata.managedFields. Internal writes (controllers, scheduler, node agents) leave it out
   * and are not tracked: see "Server-side apply" in docs/api.md.
   */
  fieldManager?: string;
  /** Admission for the requester of an API write (throws to refuse it): see serviceAccountAdmission. */
  admit?: Admission;
  /** Who asks for an API write, as admission sees it; absent for the platform's own writes. */
  user?: RequestUser;
}

/**
 * The authenticated user an API write is made for (kube-apiserver's admission.Attributes.GetUserInfo): the REST and
 * GraphQL handlers set it from the request's principal (lib/apiserver/requester.ts); controllers, the scheduler and
 * node agents write without one.
 */
export type RequestUser = Required<Pick<UserInfo, 'username' | 'groups'>>;

/** Checks a write about to be stored (`live` is the stored version when there is one) on behalf of its requester. */
export type Admission = (t: ResourceType, next: KubeObject, live: KubeObject | undefined) => void;

export interface CommitOptions extends WriteOptions {
  /** The subresource written (status, scale): recorded in the manager's entry. */
  subresource?: string;
  /** Ownership already worked out (server-side apply): stored as it is instead of recording an update. */
  managedFields?: ManagedFieldsEntry[];
}

/** PATCH with application/apply-patch+yaml (fieldValidation checks the applied configuration's fields). */
export interface ApplyOptions extends DecodeOptions {
  fieldManager: string;
  /** Take over the fields other managers own instead of failing with a conflict. */
  force?: boolean;
  dryRun?: boolean;
  /** 'status' to apply to the status subresource. */
  subresource?: 'status';
  admit?: Admission;
  user?: RequestUser;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  /** dryRun=All: every check runs and the answer is what the deletion would return, but nothing is written. */
  dryRun?: boolean;
}

/** The namespaces kube-apiserver's NamespaceLifecycle admission never lets anyone delete (and kube-node-lease). */
export const PROTECTED_NAMESPACES: ReadonlySet<string> = new Set([
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);

export interface LogOptions {
  previous?: boolean;
  tailLines?: number;
  timestamps?: boolean;
  /** Only lines after this time (ms since the epoch). */
  sinceTime?: number;
}

/** A slice of one container run's log; `cursor` is where the next read (since) continues, for `-f`. */
export interface LogResult {
  text: string;
  cursor: number;
  runId: string;
  running: boolean;
}

export interface OrchestratorHooks {
  /** Whether a node agent will finish the graceful deletion of a pod bound to `nodeName`. */
  nodeRunsPods?: (nodeName: string) => boolean;
  /** Validating admission of custom resources (the applications' rules, lib/apps): see ValidatingAdmission. */
  validateCustom?: ValidatingAdmission;
  /** Policy admission of any kind, built-in ones included (the applications' policies, lib/apps): see AdmissionPolicy. */
  admit?: AdmissionPolicy;
}

/**
 * Checks a custom resource that passed its schema, on every write path (REST, apply, GraphQL, controllers), and
 * returns what is wrong with it as causes (a 422); `old` is the stored version of an update, `user` who asks for an
 * API write (absent for the platform's own).
 */
export type ValidatingAdmission = (
  t: ResourceType,
  obj: KubeObject,
  old: KubeObject | undefined,
  subresource: string | undefined,
  user: RequestUser | undefined,
) => StatusCause[];

/**
 * Checks an object that is valid, on every write path, against a policy (an image must be attested, say) and returns
 * why it is refused, or undefined. A refusal is a 403 Forbidden naming the object, as kube-apiserver's PodSecurity
 * admission answers; nothing is stored. `old` is the stored version of an update.
 */
export type AdmissionPolicy = (
  t: ResourceType,
  obj: KubeObject,
  old: KubeObject | undefined,
  subresource: string | undefined,
) => string | undefined;

const STATUS_ONLY_SUBRESOURCE = 'status';

/** A stored object seen through its generated kind, with the metadata every stored object has. */
type Stored<T extends { metadata?: ObjectMeta } = { metadata?: ObjectMeta }> = Omit<T, 'metadata'> &
  KubeObject & { metadata: ObjectMeta & KubeObject['metadata'] };

/** A request body once checkBody has seen it is an object: none of its fields is validated yet. */
type Body = Record<string, unknown> & { metadata: ObjectMeta & Record<string, unknown> };

/** Bodies update() has decoded already, so replace() does not decode them again. */
const DECODED = new WeakSet<object>();

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export class ObjectApi {
  constructor(
    readonly cache: WatchCache,
    private hooks: OrchestratorHooks = {},
  ) {}

  setHooks(hooks: OrchestratorHooks) {
    this.hooks = { ...this.hooks, ...hooks };
  }

  get resourceVersion() {
    return this.cache.resourceVersion;
  }

  /** The stored object (not a copy: callers must clone before changing it). */
  peek(t: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.cache.get(t.key, t.namespaced ? namespace : undefined, name);
  }

  /** The stored object (a custom resource as served at `t`'s version: see servedAs). */
  get(t: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.peek(t, namespace, name);
    if (!obj) throw notFoundError(t, name);
    return t.crd ? servedAs(t, obj) : obj;
  }

  list(t: ResourceType, namespace: string | undefined, options: ListOptions = {}): ListResult {
    const labels = labelSelector(options.labelSelector);
    const fields = fieldSelector(t.plural, options.fieldSelector);
    const selected =
      options.labelSelector || options.fieldSelector
        ? (o: KubeObject) => labels(o.metadata.labels as Record<string, string>) && fields(o)
        : undefined;
    const resourceVersion = this.cache.resourceVersion;
    // Keys, not objects: a page (`kubectl get --limit`, a client polling the count of 150,000 pods) reads only its
    // own objects; only a selector makes every object be read (remainingItemCount counts the matches).
    const keys = this.cache.keys(t.key, t.namespaced ? namespace : undefined);
    const token = options.continue ? decodeContinue(options.continue) : undefined;
    const listRv = token ? token.rv : resourceVersion;
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    let page: KubeObject[] = [];
    let remaining = 0;
    if (!selected) {
      // A continued list starts at the first key after the token's (as keys are `namespace/name`, like `after`).
      let start = token ? keys.findIndex((key) => key > token.after) : 0;
      if (start < 0) start = keys.length;
      const end = Math.min(keys.length, start + limit);
      for (let i = start; i < end; i++) {
        const o = this.cache.getByKey(t.key, keys[i]);
        if (o) page.push(o);
      }
      remaining = keys.length - end;
    } else if (!token) {
      // The page: the first matches in list order. The count: every match, in the cache's own order.
      for (let i = 0; i < keys.length && page.length < limit; i++) {
        const o = this.cache.getByKey(t.key, keys[i]);
        if (o && selected(o)) page.push(o);
      }
      if (page.length === limit) {
        const ns = t.namespaced ? namespace : undefined;
        let matches = 0;
        for (const o of this.cache.objects(t.key))
          if ((ns === undefined || (o.metadata.namespace ?? '') === ns) && selected(o)) matches++;
        remaining = matches - page.length;
      }
    } else {
      let started = !token;
      for (const key of keys) {
        const o = this.cache.getByKey(t.key, key);
        if (!o || !selected(o)) continue;
        if (!started) {
          if (key <= token.after) continue;
          started = true;
        }
        if (page.length < limit) page.push(o);
        else remaining++;
      }
    }
    // Custom resources are stored at the version they were last written at, and served at the one asked for.
    if (t.crd) page = page.map((o) => servedAs(t, o));
    if (remaining <= 0) return { items: page, resourceVersion: String(listRv) };
    const last = page[page.length - 1];
    return {
      items: page,
      resourceVersion: String(listRv),
      continue: encodeContinue({ rv: listRv, after: `${last.metadata.namespace ?? ''}/${last.metadata.name}` }),
      remainingItemCount: remaining,
    };
  }

  /** Creates an object; fills metadata and defaults, validates, and resolves once it is durable. */
  async create(
    t: ResourceType,
    namespace: string | undefined,
    body: unknown,
    options: CommitOptions = {},
  ): Promise<KubeObject> {
    const obj = this.checkBody(t, body);
    this.decode(t, obj, options);
    if (t.crd) {
      checkCreatable(t);
      // With a status subresource, a new object's status is the controller's to write.
      if (t.subresources.includes('status')) delete obj.status;
    }
    const meta = obj.metadata;
    if (t.namespaced) {
      const ns = namespace ?? meta.namespace;
      if (namespace && meta.namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = ns;
      this.checkNamespaceWritable(ns);
    } else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    if (!meta.name)
      throw invalid(t.kind, undefined, [
        { reason: 'FieldValueRequired', message: 'name or generateName is required', field: 'metadata.name' },
      ]);
    // kube-apiserver's storage refuses a create that names a version (an object copied from `kubectl get -o yaml`).
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== '')
      throw badRequest('resourceVersion should not be set on objects to be created');
    const existing = this.peek(t, meta.namespace, meta.name);
    if (existing)
      throw alreadyExists(`${t.plural}${t.group ? `.${t.group}` : ''} "${meta.name}" already exists`, {
        name: meta.name,
        group: t.group,
        kind: t.plural,
      });
    for (const key of [
      'uid',
      'resourceVersion',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'managedFields',
      'selfLink',
    ] as const)
      delete meta[key];
    meta.uid = newUid();
    meta.creationTimestamp = timestamp();
    meta.generation = 1;
    if (!t.crd) {
      if (t.kind === 'Service') this.allocateClusterIp(obj);
      if (t.kind === 'Pod') this.admitPriority(obj);
      if (t.kind === 'CustomResourceDefinition') prepareCrdForCreate(obj);
      // (A custom resource's schema defaults were applied as it was decoded.)
      applyDefaults(t.kind, obj);
    }
    this.validate(t, obj, undefined, undefined, options.user);
    // Named and stamped above; the commit adds the resourceVersion.
    const created = obj as Stored;
    return this.commit(t, created, options);
  }

  /** PUT: replaces the object (or its status), with optimistic concurrency on metadata.resourceVersion. */
  async update(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    subresource?: string,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    const incoming = this.checkBody(t, body);
    // Decoded first, as kube-apiserver decodes: a body of the wrong shape is a 400 before any 404 or 409.
    if (subresource === STATUS_ONLY_SUBRESOURCE) incoming.status = this.decodeStatus(t, incoming.status, options);
    else this.decode(t, incoming, options);
    DECODED.add(incoming);
    if (incoming.metadata.name && incoming.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const current = this.get(t, namespace, name);
    const rv = incoming.metadata.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflictError(t, name);
    return this.replace(t, current, incoming, subresource, options);
  }

  async patch(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    subresource?: string,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    if (type === 'strategic' && t.crd) {
      // As kube-apiserver: custom resources have no patch strategies to merge by.
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      );
    }
    const current = this.get(t, namespace, name);
    let patched: unknown;
    try {
      // JSON patch edits its own copy; the merge patches copy only what they change, and the stored object stays as is.
      if (type === 'json') patched = jsonPatch(current, patch);
      else if (type === 'merge') patched = mergePatch(current, patch);
      else patched = strategicMergePatch(current, patch, schemaOf(t));
    } catch (err) {
      if (isApiError(err)) throw err;
      throw badRequest(`the patch could not be applied: ${(err as Error).message}`);
    }
    if (!isRecord(patched)) throw badRequest('the patch must produce an object');
    const meta = isRecord(patched.metadata) ? patched.metadata : undefined;
    // Like kube-apiserver's update validation: a patch may not rename, move or re-kind the object (nor drop
    // its metadata, which would otherwise silently reset labels and annotations).
    if (meta?.name !== name || (t.namespaced && meta.namespace !== current.metadata.namespace)) {
      const field = meta?.name !== name ? 'metadata.name' : 'metadata.namespace';
      const value = meta?.name !== name ? meta?.name : meta?.namespace;
      throw invalid(t.kind, name, [
        {
          reason: 'FieldValueInvalid',
          field,
          message: `Invalid value: ${JSON.stringify(value ?? '')}: field is immutable`,
        },
      ]);
    }
    if (
      (patched.kind !== undefined && patched.kind !== t.kind) ||
      (patched.apiVersion !== undefined && patched.apiVersion !== current.apiVersion)
    ) {
      throw badRequest(`a patch may not change the kind or apiVersion of ${t.plural} "${name}"`);
    }
    const rv = meta.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflictError(t, name);
    return this.replace(t, current, patched, subresource, options);
  }

  /** Applies a full new version of `current`, keeping what clients may not change. */
  async replace(
    t: ResourceType,
    current: KubeObject,
    incoming: Record<string, unknown>,
    subresource?: string,
    options: CommitOptions = {},
  ): Promise<KubeObject> {
    const cur = current as Stored;
    let next: Stored;
    if (subresource === STATUS_ONLY_SUBRESOURCE) {
      // Stored objects are never changed in place, so the new version shares
      // everything but its status and metadata with the previous one: a pod's
      // status writes (several per start) no longer deep-copy its spec.
      const status = DECODED.has(incoming) ? incoming.status : this.decodeStatus(t, incoming.status, options);
      next = nextVersion(cur, { status });
    } else {
      next = clone(incoming) as Stored;
      if (!DECODED.has(incoming)) this.decode(t, next, options);
      next.apiVersion = apiVersionOf(t);
      next.kind = t.kind;
      const meta: Record<string, unknown> = { ...(isRecord(incoming.metadata) ? incoming.metadata : {}) };
      const curMeta: Record<string, unknown> = cur.metadata;
      for (const key of [
        'name',
        'namespace',
        'uid',
        'creationTimestamp',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'generation',
      ]) {
        if (curMeta[key] === undefined) delete meta[key];
        else meta[key] = curMeta[key];
      }
      next.metadata = meta as Stored['metadata'];
      // Main-resource writes keep the status (it has its own subresource), except for kinds without one.
      if (t.subresources.includes('status') && t.kind !== 'Namespace') {
        if (cur.status === undefined) delete next.status;
        else next.status = clone(cur.status);
      }
      // Defaults first, as kube-apiserver applies them while decoding: an unchanged manifest (kubectl replace)
      // then compares equal to the stored object instead of "changing" every defaulted field.
      if (!t.crd) {
        const spec = next.spec as ServiceSpec | undefined;
        const curSpec = cur.spec as ServiceSpec | undefined;
        if (t.kind === 'Service' && spec && !spec.clusterIP && curSpec?.clusterIP) {
          spec.clusterIP = curSpec.clusterIP;
          spec.clusterIPs = curSpec.clusterIPs;
        }
        if (t.kind === 'Pod') applyDefaultsToPodUpdate(next, cur);
        else if (t.kind !== 'Namespace') applyDefaults(t.kind, next);
      }
      const changed = t.crd ? customResourceChanged(t, next, cur) : !jsonEqual(next.spec, cur.spec);
      if (changed) next.metadata.generation = (cur.metadata.generation ?? 1) + 1;
      if (!t.crd) this.checkImmutable(t, cur, next);
    }
    next.metadata.resourceVersion = cur.metadata.resourceVersion;
    this.validate(t, next, cur, subresource, options.user);
    // No-op writes keep the resourceVersion (a status write can only change the status). Compared as values:
    // a client that writes the same object with its keys in another order has changed nothing.
    const unchanged =
      subresource === STATUS_ONLY_SUBRESOURCE ? jsonEqual(next.status, cur.status) : jsonEqual(next, cur);
    if (unchanged) return current;
    // Removing the last finalizer of an object being deleted completes the deletion.
    if (next.metadata.deletionTimestamp && !(next.metadata.finalizers ?? []).length) {
      return options.dryRun ? next : this.remove(t, next);
    }
    return this.commit(t, next, subresource ? { ...options, subresource } : options);
  }

  async delete(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<{ object: KubeObject; removed: boolean }> {
    const current = this.get(t, namespace, name) as Stored;
    if (t.kind === 'Namespace' && PROTECTED_NAMESPACES.has(name)) {
      throw new ApiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, {
        name,
        kind: 'namespaces',
      });
    }
    // A dry run answers with what would be stored, and stores nothing.
    const write = (obj: KubeObject) => (options.dryRun ? Promise.resolve(obj) : this.commit(t, obj));
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw conflict(
        `Operation cannot be fulfilled on ${t.plural} "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(
        `Operation cannot be fulfilled on ${t.plural} "${name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
    const policy = options.propagationPolicy ?? 'Background';
    if (policy === 'Orphan' && !options.dryRun) await this.orphanDependents(current);
    const next = clone(current);
    const finalizers = [...(next.metadata.finalizers ?? [])];
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    const grace = t.kind === 'Pod' ? this.podGrace(current as Stored<Pod>, options.gracePeriodSeconds) : 0;
    if (t.kind === 'Namespace') {
      if (current.metadata.deletionTimestamp) return { object: current, removed: false };
      next.metadata.deletionTimestamp = timestamp();
      next.status = { ...(next.status as Namespace['status']), phase: 'Terminating' };
      next.metadata.finalizers = finalizers;
      return { object: await write(next), removed: false };
    }
    if (finalizers.length || grace > 0) {
      if (
        current.metadata.deletionTimestamp &&
        grace >= (current.metadata.deletionGracePeriodSeconds ?? 0) &&
        finalizers.length === (current.metadata.finalizers ?? []).length
      ) {
        return { object: current, removed: false }; // already being deleted
      }
      next.metadata.deletionTimestamp ??= timestamp(new Date(Date.now() + grace * 1000));
      next.metadata.deletionGracePeriodSeconds = grace;
      next.metadata.finalizers = finalizers.length ? finalizers : undefined;
      if (!next.metadata.finalizers) delete next.metadata.finalizers;
      if (finalizers.length || grace > 0) return { object: await write(next), removed: false };
    }
    return { object: options.dryRun ? current : await this.remove(t, current), removed: true };
  }

  /** Deletes immediately, whatever the finalizers (used once they are done). */
  async remove(t: ResourceType, obj: KubeObject): Promise<KubeObject> {
    const { done } = this.cache.write(t.key, obj.metadata.namespace, obj.metadata.name, null);
    await done;
    return obj;
  }

  /**
   * Stores `obj` (unless dryRun). With a fieldManager, what the write changed is first recorded in
   * metadata.managedFields (or the ownership an apply worked out is set); a write that then changes nothing
   * (a PUT of the object as read, without its managedFields) keeps the stored version.
   */
  async commit(t: ResourceType, obj: KubeObject, options: CommitOptions = {}): Promise<KubeObject> {
    options.admit?.(t, obj, this.peek(t, obj.metadata.namespace, obj.metadata.name));
    let next = obj;
    if (options.managedFields || options.fieldManager) {
      const live = this.peek(t, obj.metadata.namespace, obj.metadata.name);
      next = this.withOwnership(t, live, obj, options);
      if (live && jsonEqual(next, live)) return live;
    }
    if (options.dryRun) return next;
    const { done } = this.cache.write(t.key, next.metadata.namespace, next.metadata.name, next);
    await done;
    return next;
  }

  /** `obj` with its managedFields: the ones given, or the live ones plus this write as the manager's Update. */
  private withOwnership(t: ResourceType, live: KubeObject | undefined, obj: KubeObject, options: CommitOptions) {
    if (options.managedFields) {
      const metadata = { ...obj.metadata };
      if (options.managedFields.length) metadata.managedFields = options.managedFields;
      else delete metadata.managedFields;
      return { ...obj, metadata };
    }
    return recordUpdate({
      live,
      next: obj,
      manager: options.fieldManager ?? '',
      schema: schemaOf(t),
      ignoreStatus: options.subresource !== STATUS_ONLY_SUBRESOURCE && t.subresources.includes('status'),
      subresource: options.subresource,
      apiVersion: apiVersionOf(t),
      now: timestamp(),
    });
  }

  /** Assigns a pod to a node, once (the binding subresource and the scheduler). Extra annotations ride along in the same write. */
  async bind(
    namespace: string,
    name: string,
    nodeName: string,
    annotations?: Record<string, string>,
  ): Promise<KubeObject> {
    return this.commit(typeByKey('pods'), this.bound({ namespace, name, nodeName, annotations }));
  }

  /**
   * Many bindings, each checked as bind() checks it (a pod gone, being deleted or already assigned is refused, as is
   * a second binding of a pod in the same call), written together: one group commit and one promise for all
   * (WatchCache.writeAll). Resolves once they are durable, with each binding's outcome in order; if the commit fails,
   * every written binding is reverted and fails with its error.
   */
  async bindAll(bindings: readonly Binding[]): Promise<BindOutcome[]> {
    const outcomes: BindOutcome[] = [];
    const writes: CacheWrite[] = [];
    const assigned = new Map<string, string>();
    for (const b of bindings) {
      const key = `${b.namespace}/${b.name}`;
      try {
        const earlier = assigned.get(key);
        if (earlier !== undefined) throw alreadyAssigned(b.name, earlier);
        const pod = this.bound(b);
        assigned.set(key, b.nodeName);
        outcomes.push({ pod });
        writes.push({ resource: 'pods', namespace: pod.metadata.namespace, name: pod.metadata.name, object: pod });
      } catch (err) {
        outcomes.push({ error: err instanceof Error ? err : new Error(String(err)) });
      }
    }
    if (!writes.length) return outcomes;
    try {
      await this.cache.writeAll(writes).done;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      return outcomes.map((o) => (o.pod ? { error } : o));
    }
    return outcomes;
  }

  /** The pod as `binding` assigns it (not yet stored); throws what the binding subresource answers when it may not. */
  private bound({ namespace, name, nodeName, annotations }: Binding): Stored<Pod> {
    const pod = this.get(typeByKey('pods'), namespace, name) as Stored<Pod>;
    if (pod.metadata.deletionTimestamp) throw conflict(`pod ${name} is being deleted, cannot be assigned to a host`);
    if (pod.spec?.nodeName) throw alreadyAssigned(name, pod.spec.nodeName);
    // Stored objects are never changed in place, so the new version shares what the binding leaves alone
    // (a deep copy of every pod it binds was a visible part of the scheduler's cost).
    const next: Stored<Pod> = { ...pod, metadata: { ...pod.metadata }, spec: { ...pod.spec, nodeName } as PodSpec };
    if (annotations) next.metadata.annotations = { ...next.metadata.annotations, ...annotations };
    const { nominatedNodeName: _, ...status } = next.status ?? {};
    // Kubernetes writes lastProbeTime: null here, and clients read it so (the generated type has no null).
    const conditions: unknown[] = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp() });
    next.status = { ...status, conditions } as PodStatus;
    return next;
  }

  watch(
    t: ResourceType | undefined,
    namespace: string | undefined,
    fromResourceVersion: number,
    fn: (e: CacheEvent) => void,
  ) {
    return this.cache.watch(
      { resource: t?.key, namespace: t && !t.namespaced ? undefined : namespace },
      fromResourceVersion,
      fn,
    );
  }

  /** Objects whose ownerReferences name `owner` (by uid). */
  dependentsOf(owner: KubeObject): { type: ResourceType; object: KubeObject }[] {
    const out: { type: ResourceType; object: KubeObject }[] = [];
    const ns = owner.metadata.namespace;
    for (const type of storedTypes()) {
      if (!type.namespaced && ns) continue;
      for (const object of this.cache.list(type.key, type.namespaced ? ns : undefined).items) {
        if (
          (object.metadata.ownerReferences as OwnerReference[] | undefined)?.some((r) => r.uid === owner.metadata.uid)
        )
          out.push({ type, object });
      }
    }
    return out;
  }

  private async orphanDependents(owner: KubeObject) {
    for (const { type, object } of this.dependentsOf(owner)) {
      const next = clone(object);
      next.metadata.ownerReferences = (next.metadata.ownerReferences as OwnerReference[]).filter(
        (r) => r.uid !== owner.metadata.uid,
      );
      if (!(next.metadata.ownerReferences as OwnerReference[]).length) delete next.metadata.ownerReferences;
      await this.commit(type, next);
    }
  }

  private podGrace(pod: Stored<Pod>, requested?: number): number {
    if (!pod.spec?.nodeName || !this.hooks.nodeRunsPods?.(pod.spec.nodeName)) return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    return requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  }

  private checkBody(t: ResourceType, body: unknown): Body {
    if (!isRecord(body)) throw badRequest(`the request body must be a ${t.kind} object`);
    const obj = clone(body);
    if (obj.kind && obj.kind !== t.kind)
      throw badRequest(
        `the kind of the object (${String(obj.kind)}) does not match the resource (${t.plural}, kind ${t.kind})`,
      );
    if (obj.apiVersion && obj.apiVersion !== apiVersionOf(t))
      throw badRequest(`the apiVersion of the object (${String(obj.apiVersion)}) does not match ${apiVersionOf(t)}`);
    if (obj.metadata !== undefined && !isRecord(obj.metadata)) throw badRequest('metadata must be an object');
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    obj.metadata ??= {};
    return obj as Body;
  }

  /** Validates a new object, or (with `old`) an update of one; throws the 422. */
  private validate(
    t: ResourceType,
    obj: Record<string, unknown>,
    old?: KubeObject,
    subresource?: string,
    user?: RequestUser,
  ) {
    const name = isRecord(obj.metadata) ? obj.metadata.name : undefined;
    const objectName = typeof name === 'string' ? name : undefined;
    if (t.crd) {
      const causes: StatusCause[] = [];
      validateMetadata(obj, t.namespaced, causes);
      causes.push(...customResourceCauses(t, obj, old, subresource));
      if (!causes.length && this.hooks.validateCustom)
        causes.push(...this.hooks.validateCustom(t, obj as KubeObject, old, subresource, user));
      if (causes.length) throw invalidCustomResource(t.kind, objectName, causes);
      this.checkPolicy(t, obj, old, subresource, objectName);
      return;
    }
    const causes = validateObject(t.kind, obj, t.namespaced, old);
    if (causes.length) throw invalid(t.kind, objectName, causes);
    this.checkPolicy(t, obj, old, subresource, objectName);
  }

  private checkPolicy(
    t: ResourceType,
    obj: Record<string, unknown>,
    old: KubeObject | undefined,
    subresource: string | undefined,
    name: string | undefined,
  ) {
    const refusal = this.hooks.admit?.(t, obj as KubeObject, old, subresource);
    if (refusal) throw forbidden(`${t.plural}${t.group ? `.${t.group}` : ''} "${name ?? ''}" is forbidden: ${refusal}`);
  }

  /**
   * Decodes a request body (a copy: unknown fields are deleted from it) as its kind: a built-in against its
   * generated schema, a custom resource against its version's structural schema (pruned and defaulted).
   */
  private decode(t: ResourceType, obj: Record<string, unknown>, options: DecodeOptions) {
    if (t.crd) decodeCustomResource(t, obj, options);
    else decodeBuiltin(t, obj, options);
  }

  /** A status write's status, decoded (a copy: the stored objects share the rest). */
  private decodeStatus(t: ResourceType, status: unknown, options: DecodeOptions): unknown {
    const copy = clone(status);
    if (t.crd) return decodeCustomResourceStatus(t, copy, options);
    decodeBuiltin(t, { status: copy }, options);
    return copy;
  }

  private checkNamespaceWritable(namespace: string | undefined) {
    if (!namespace) throw badRequest('a namespace is required for this resource');
    const ns = this.cache.get('namespaces', undefined, namespace);
    if (!ns) throw notFound(`namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
    if (ns.metadata.deletionTimestamp)
      throw forbidden(`unable to create new content in namespace ${namespace} because it is being terminated`);
  }

  private checkImmutable(t: ResourceType, cur: Stored, next: Stored) {
    if (t.kind === 'Pod') {
      // Like Kubernetes: a pod's spec may change only in images, activeDeadlineSeconds, tolerations (additions) and scheduling gates.
      const strip = (spec: unknown): Partial<PodSpec> => {
        const s = clone((spec ?? {}) as Partial<PodSpec>);
        for (const c of [...(s.containers ?? []), ...(s.initContainers ?? [])]) delete c.image;
        delete s.activeDeadlineSeconds;
        delete s.tolerations;
        delete s.terminationGracePeriodSeconds;
        delete s.nodeName;
        return s;
      };
      const curSpec = cur.spec as PodSpec | undefined;
      const nextSpec = next.spec as PodSpec | undefined;
      if (!jsonEqual(strip(curSpec), strip(nextSpec))) {
        throw invalid('Pod', cur.metadata.name, [
          {
            reason: 'FieldValueForbidden',
            field: 'spec',
            message:
              'Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations) or `spec.terminationGracePeriodSeconds`',
          },
        ]);
      }
      if (curSpec?.nodeName && nextSpec?.nodeName !== curSpec.nodeName) {
        throw invalid('Pod', cur.metadata.name, [
          { reason: 'FieldValueForbidden', field: 'spec.nodeName', message: 'Forbidden: field is immutable once set' },
        ]);
      }
    }
    const selectorOf = (o: Stored) => (isRecord(o.spec) ? o.spec.selector : undefined);
    if ((t.kind === 'Deployment' || t.kind === 'ReplicaSet') && !jsonEqual(selectorOf(cur), selectorOf(next))) {
      throw invalid(t.kind, cur.metadata.name, [
        { reason: 'FieldValueInvalid', field: 'spec.selector', message: 'Invalid value: field is immutable' },
      ]);
    }
  }

  /** Like the Priority admission plugin: priorityClassName (or the global default class) sets spec.priority. */
  private admitPriority(pod: Body) {
    const spec = (pod.spec ??= {}) as Partial<PodSpec>;
    const classes = this.cache.list('priorityclasses.scheduling.k8s.io').items as Stored<PriorityClass>[];
    const name = spec.priorityClassName;
    const cls = name ? classes.find((c) => c.metadata.name === name) : classes.find((c) => c.globalDefault);
    if (name && !cls)
      throw forbidden(`pods "${pod.metadata.name ?? ''}" is forbidden: no PriorityClass with name ${name} was found`);
    if (!cls) return;
    if (spec.priority !== undefined && spec.priority !== cls.value && name) {
      throw forbidden(
        `pods "${pod.metadata.name ?? ''}" is forbidden: the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${cls.value} from the given PriorityClass name`,
      );
    }
    spec.priorityClassName ??= cls.metadata.name;
    spec.priority = cls.value;
    if (cls.preemptionPolicy) spec.preemptionPolicy ??= cls.preemptionPolicy;
  }

  private allocateClusterIp(obj: Body) {
    const spec = isRecord(obj.spec) ? (obj.spec as ServiceSpec) : undefined;
    if (spec?.type === 'ExternalName' || spec?.clusterIP) return;
    const used = new Set(this.cache.list('services').items.map((s) => (s.spec as ServiceSpec | undefined)?.clusterIP));
    for (let n = 1; n < 65_000; n++) {
      const ip = `10.96.${n >> 8}.${n & 255}`;
      if ((n & 255) !== 0 && !used.has(ip)) {
        obj.spec = { ...spec, clusterIP: ip };
        return;
      }
    }
    throw new ApiError(500, 'InternalError', 'no free cluster IP is left in 10.96.0.0/16');
  }

  /**
   * Server-side apply (PATCH with application/apply-patch+yaml): merges the applied configuration `body` into the
   * object as `options.fieldManager` owns it (`apply` in lib/apimachinery/managed-fields.ts), creating the object
   * when it does not exist. The result then goes through create or replace like any write (defaults, admission,
   * validation, generation); changing fields other managers own is a 409 listing them unless `force`. An apply
   * that changes nothing keeps the stored version.
   */
  async apply(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: ApplyOptions,
  ): Promise<{ object: KubeObject; created: boolean }> {
    if (!isRecord(body)) throw badRequest(`the applied configuration must be a ${t.kind} object`);
    const version = apiVersionOf(t);
    if (body.apiVersion !== version) {
      throw badRequest(
        `Incorrect version specified in apply patch. Specified patch version: ${typeof body.apiVersion === 'string' ? body.apiVersion : ''}, expected: ${version}`,
      );
    }
    if (body.kind !== t.kind) {
      throw badRequest(
        `the kind of the applied configuration (${typeof body.kind === 'string' ? body.kind : ''}) does not match the resource (${t.plural}, kind ${t.kind})`,
      );
    }
    if (body.metadata !== undefined && body.metadata !== null && !isRecord(body.metadata))
      throw badRequest('metadata must be an object');
    const meta = isRecord(body.metadata) ? body.metadata : {};
    if (meta.name !== undefined && meta.name !== name)
      throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    if (t.namespaced && meta.namespace !== undefined && meta.namespace !== namespace)
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    const applied = { ...body, metadata: { ...meta, name, ...(t.namespaced ? { namespace } : {}) } } as KubeObject;
    decodeApplied(t, applied, options);

    const stored = this.peek(t, namespace, name);
    const live = stored && t.crd ? servedAs(t, stored) : stored;
    const rv = meta.resourceVersion;
    if (!live && (options.subresource || rv)) throw notFoundError(t, name);
    if (live && rv && rv !== live.metadata.resourceVersion) throw conflictError(t, name);
    if (live && meta.uid && meta.uid !== live.metadata.uid) {
      throw conflict(
        `Operation cannot be fulfilled on ${t.plural} "${name}": Precondition failed: UID in precondition: ${String(meta.uid)}, UID in object meta: ${live.metadata.uid}`,
      );
    }
    const input: ApplyInput = {
      live,
      applied,
      manager: options.fieldManager,
      force: options.force ?? false,
      schema: schemaOf(t),
      ignoreStatus: !options.subresource && t.subresources.includes('status'),
      subresource: options.subresource,
      apiVersion: version,
      now: timestamp(),
    };
    let result: ApplyResult;
    try {
      result = applyFields(input);
    } catch (err) {
      if (!live || input.force || input.manager !== 'kubectl' || !upgradesClientSideApply(err, live, input)) throw err;
      result = applyFields({ ...input, force: true });
    }
    if (live && !result.changed) return { object: live, created: false };
    const write: CommitOptions = {
      fieldValidation: options.fieldValidation,
      warn: options.warn,
      dryRun: options.dryRun,
      admit: options.admit,
      user: options.user,
      managedFields: (result.object.metadata.managedFields ?? []) as ManagedFieldsEntry[],
    };
    if (!live) return { object: await this.create(t, namespace, result.object, write), created: true };
    // A status apply that only changes ownership: replace would see an unchanged status and store nothing.
    if (options.subresource && jsonEqual(result.object.status, live.status))
      return { object: await this.commit(t, nextVersion(live, {}), write), created: false };
    return { object: await this.replace(t, live, result.object, options.subresource, write), created: false };
  }
}

/**
 * Decodes an applied configuration (the request's own copy) before it is merged, as kube-apiserver decodes an apply
 * patch: a value of the wrong type is the 400, and fields the kind does not define are refused (fieldValidation
 * Strict) or dropped with a warning, so no manager owns them. Unlike a create or update body it is not defaulted:
 * defaulted fields belong to nobody.
 */
function decodeApplied(t: ResourceType, applied: KubeObject, options: DecodeOptions) {
  if (!t.crd) return decodeBuiltin(t, applied, options);
  const unknown = decodeMetadata(t, applied);
  unknown.push(...prune(applied, schemaForVersion(t.crd, t.version)));
  reportUnknown(t, unknown, options);
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * kube-apiserver's lastAppliedManager: `kubectl apply --server-side` (manager "kubectl") takes over, without
 * conflicts, the fields a client-side `kubectl apply` last applied (its annotation) that still hold those values,
 * so moving from client-side to server-side apply needs no --force-conflicts. True when every conflict of `err`
 * is such a field.
 */
function upgradesClientSideApply(err: unknown, live: KubeObject, input: ApplyInput): boolean {
  const causes = isApiError(err) && err.code === 409 ? err.details?.causes : undefined;
  if (!causes?.length || causes.some((c) => c.reason !== 'FieldManagerConflict' || !c.field)) return false;
  const annotations = live.metadata.annotations;
  const text = isRecord(annotations) ? annotations[LAST_APPLIED] : undefined;
  if (typeof text !== 'string' || !text) return false;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return false;
  }
  if (!isJsonObject(lastApplied) || lastApplied.apiVersion !== input.apiVersion) return false;
  try {
    const shape = rootShape(input.schema);
    const metadata: Record<string, unknown> = { ...live.metadata };
    delete metadata.managedFields;
    const liveBody = { ...live, metadata } as unknown as JsonObject;
    const differs = compare(lastApplied, liveBody, shape);
    const allowed = toFieldSet(lastApplied, shape)
      .difference(differs.modified)
      .difference(differs.added)
      .difference(differs.removed);
    const paths = new Set(allowed.paths().map(pathString));
    return causes.every((c) => c.field !== undefined && paths.has(c.field));
  } catch {
    return false;
  }
}

/** The schema field ownership follows: the built-in kind's, a custom resource's version schema, else untyped. */
function schemaOf(t: ResourceType): SchemaObject | undefined {
  if (t.crd) {
    const version = t.crd.spec.versions.find((v) => v.name === t.version);
    return version?.schema?.openAPIV3Schema as SchemaObject | undefined;
  }
  return kindSchema(t.group, t.version, t.kind);
}

function applyDefaultsToPodUpdate(pod: Stored, current: Stored) {
  // What admission and the scheduler set (and a manifest leaves out) is kept, as kube-apiserver's priority admission
  // keeps the priority on update: `kubectl replace -f pod.yaml` of the unchanged manifest then changes nothing.
  const spec = (pod.spec ??= {}) as Partial<PodSpec>;
  const curSpec = (current.spec ?? {}) as Partial<PodSpec>;
  for (const key of ['nodeName', 'priority', 'priorityClassName', 'preemptionPolicy'] as const) {
    if (spec[key] === undefined && curSpec[key] !== undefined) Object.assign(spec, { [key]: curSpec[key] });
  }
  // Defaults again so omitted defaulted fields do not count as changes.
  const status = pod.status;
  applyDefaults('Pod', pod);
  pod.status = status;
}

export function notFoundError(t: ResourceType, name: string) {
  return notFound(`${t.plural}${t.group ? `.${t.group}` : ''} "${name}" not found`, {
    name,
    group: t.group || undefined,
    kind: t.plural,
  });
}

export function conflictError(t: ResourceType, name: string) {
  return conflict(
    `Operation cannot be fulfilled on ${t.plural}${t.group ? `.${t.group}` : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    {
      name,
      group: t.group || undefined,
      kind: t.plural,
    },
  );
}

function encodeContinue(token: { rv: number; after: string }) {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(text: string): { rv: number; after: string } {
  try {
    const token: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (isRecord(token) && typeof token.rv === 'number' && typeof token.after === 'string')
      return { rv: token.rv, after: token.after };
  } catch {
    // fall through
  }
  throw badRequest('the continue token is not valid; start the list again without it');
}

export { typeByKey };

/** The binding subresource's 409 for a pod that already has a node. */
function alreadyAssigned(name: string, nodeName: string) {
  return conflict(
    `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${nodeName}"`,
  );
}
