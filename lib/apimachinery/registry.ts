// The resource types EntroOS serves, described the way discovery describes
// them (https://kubernetes.io/docs/reference/using-api/api-concepts/): the
// built-in kinds, and the custom resources that CustomResourceDefinitions add
// while the server runs.
//
// Custom types live on globalThis (under a Symbol.for key), not in this
// module: server.ts and the Next route bundles each load their own copy of
// this file, and both must see the types the CRD registrar registers.

import type { CustomResourceDefinition } from './generated/kinds.ts';

export interface ResourceType {
  /** API group ('' for core). */
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  verbs: string[];
  subresources: string[];
  categories?: string[];
  /** Store key: plural for core, plural.group otherwise (one key for every version of a custom resource). */
  key: string;
  /** Custom resources: the CustomResourceDefinition (with its defaults) that serves this version. */
  crd?: CustomResourceDefinition;
  /** Custom resources: the kind of its lists (names.listKind). */
  listKind?: string;
  /** Custom resources: the version objects are stored at (they are served at every version, None conversion). */
  storageVersion?: string;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function type(
  t: Omit<ResourceType, 'key' | 'verbs' | 'version'> & { verbs?: string[]; version?: string },
): ResourceType {
  return { version: 'v1', verbs: ALL_VERBS, ...t, key: t.group ? `${t.plural}.${t.group}` : t.plural };
}

export const RESOURCE_TYPES: ResourceType[] = [
  type({
    group: '',
    kind: 'Namespace',
    plural: 'namespaces',
    singular: 'namespace',
    shortNames: ['ns'],
    namespaced: false,
    subresources: ['status'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  type({
    group: '',
    kind: 'Node',
    plural: 'nodes',
    singular: 'node',
    shortNames: ['no'],
    namespaced: false,
    subresources: ['status'],
  }),
  type({
    group: '',
    kind: 'Pod',
    plural: 'pods',
    singular: 'pod',
    shortNames: ['po'],
    namespaced: true,
    subresources: ['status', 'binding', 'log', 'eviction', 'exec'],
    categories: ['all'],
  }),
  type({
    group: '',
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    shortNames: ['svc'],
    namespaced: true,
    subresources: ['status'],
    categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  type({
    group: '',
    kind: 'Endpoints',
    plural: 'endpoints',
    singular: 'endpoints',
    shortNames: ['ep'],
    namespaced: true,
    subresources: [],
  }),
  type({
    group: '',
    kind: 'Event',
    plural: 'events',
    singular: 'event',
    shortNames: ['ev'],
    namespaced: true,
    subresources: [],
  }),
  type({
    group: '',
    kind: 'ConfigMap',
    plural: 'configmaps',
    singular: 'configmap',
    shortNames: ['cm'],
    namespaced: true,
    subresources: [],
  }),
  type({
    group: '',
    kind: 'Secret',
    plural: 'secrets',
    singular: 'secret',
    shortNames: [],
    namespaced: true,
    subresources: [],
  }),
  type({
    group: '',
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    shortNames: ['sa'],
    namespaced: true,
    subresources: ['token'],
  }),
  type({
    group: 'apps',
    kind: 'Deployment',
    plural: 'deployments',
    singular: 'deployment',
    shortNames: ['deploy'],
    namespaced: true,
    subresources: ['status', 'scale'],
    categories: ['all'],
  }),
  type({
    group: 'apps',
    kind: 'ReplicaSet',
    plural: 'replicasets',
    singular: 'replicaset',
    shortNames: ['rs'],
    namespaced: true,
    subresources: ['status', 'scale'],
    categories: ['all'],
  }),
  type({
    group: 'apps',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    singular: 'statefulset',
    shortNames: ['sts'],
    namespaced: true,
    subresources: ['status', 'scale'],
    categories: ['all'],
  }),
  type({
    group: 'apps',
    kind: 'DaemonSet',
    plural: 'daemonsets',
    singular: 'daemonset',
    shortNames: ['ds'],
    namespaced: true,
    subresources: ['status'],
    categories: ['all'],
  }),
  type({
    group: 'apps',
    kind: 'ControllerRevision',
    plural: 'controllerrevisions',
    singular: 'controllerrevision',
    shortNames: [],
    namespaced: true,
    subresources: [],
  }),
  type({
    group: 'batch',
    kind: 'Job',
    plural: 'jobs',
    singular: 'job',
    shortNames: [],
    namespaced: true,
    subresources: ['status'],
    categories: ['all'],
  }),
  type({
    group: 'batch',
    kind: 'CronJob',
    plural: 'cronjobs',
    singular: 'cronjob',
    shortNames: ['cj'],
    namespaced: true,
    subresources: ['status'],
    categories: ['all'],
  }),
  type({
    group: 'policy',
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    singular: 'poddisruptionbudget',
    shortNames: ['pdb'],
    namespaced: true,
    subresources: ['status'],
  }),
  type({
    group: 'autoscaling',
    version: 'v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    shortNames: ['hpa'],
    namespaced: true,
    subresources: ['status'],
    categories: ['all'],
  }),
  // Reviews are asked, not stored: create answers with the authorizer's decision in status.
  type({
    group: 'authorization.k8s.io',
    kind: 'SelfSubjectAccessReview',
    plural: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    shortNames: [],
    namespaced: false,
    subresources: [],
    verbs: ['create'],
  }),
  type({
    group: 'authorization.k8s.io',
    kind: 'SelfSubjectRulesReview',
    plural: 'selfsubjectrulesreviews',
    singular: 'selfsubjectrulesreview',
    shortNames: [],
    namespaced: false,
    subresources: [],
    verbs: ['create'],
  }),
  type({
    group: 'apiextensions.k8s.io',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    shortNames: ['crd', 'crds'],
    namespaced: false,
    subresources: ['status'],
    categories: ['api-extensions'],
  }),
  type({
    group: 'scheduling.k8s.io',
    kind: 'PriorityClass',
    plural: 'priorityclasses',
    singular: 'priorityclass',
    shortNames: ['pc'],
    namespaced: false,
    subresources: [],
  }),
  type({
    group: 'coordination.k8s.io',
    kind: 'Lease',
    plural: 'leases',
    singular: 'lease',
    shortNames: [],
    namespaced: true,
    subresources: [],
  }),
  // RBAC (lib/auth/authorizer.ts evaluates them on every request).
  type({
    group: 'rbac.authorization.k8s.io',
    kind: 'Role',
    plural: 'roles',
    singular: 'role',
    shortNames: [],
    namespaced: true,
    subresources: [],
  }),
  type({
    group: 'rbac.authorization.k8s.io',
    kind: 'RoleBinding',
    plural: 'rolebindings',
    singular: 'rolebinding',
    shortNames: [],
    namespaced: true,
    subresources: [],
  }),
  type({
    group: 'rbac.authorization.k8s.io',
    kind: 'ClusterRole',
    plural: 'clusterroles',
    singular: 'clusterrole',
    shortNames: [],
    namespaced: false,
    subresources: [],
  }),
  type({
    group: 'rbac.authorization.k8s.io',
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    shortNames: [],
    namespaced: false,
    subresources: [],
  }),
];

/** The built-in types (custom resources come and go: see allTypes()). */
export const GROUPS = [...new Set(RESOURCE_TYPES.map((r) => r.group).filter(Boolean))];

// ---------------------------------------------------------------------------------------------------------------
// Custom resources
// ---------------------------------------------------------------------------------------------------------------

interface CustomTypes {
  /** CRD name → the types it serves (one per served version). */
  byCrd: Map<string, ResourceType[]>;
  /** Bumped on every change, so each copy of this module (and caches built from it) knows to rebuild. */
  generation: number;
  listeners: Set<() => void>;
}

const CUSTOM_TYPES = Symbol.for('entroos.registry.customTypes');

function custom(): CustomTypes {
  const holder = globalThis as { [CUSTOM_TYPES]?: CustomTypes };
  holder[CUSTOM_TYPES] ??= { byCrd: new Map(), generation: 0, listeners: new Set() };
  return holder[CUSTOM_TYPES];
}

/** Serves `types` for the CRD `crdName` (replacing what it served before) and tells the listeners. */
export function registerCustomTypes(crdName: string, types: ResourceType[]): void {
  const state = custom();
  state.byCrd.set(crdName, types);
  changed(state);
}

/** Stops serving the CRD's types. */
export function unregisterCustomTypes(crdName: string): void {
  const state = custom();
  if (state.byCrd.delete(crdName)) changed(state);
}

function changed(state: CustomTypes) {
  state.generation++;
  for (const fn of state.listeners) {
    try {
      fn();
    } catch {
      // a listener's failure must not stop the others
    }
  }
}

/** Calls `fn` after every change to the custom types; returns the unsubscribe. */
export function onTypesChanged(fn: () => void): () => void {
  const state = custom();
  state.listeners.add(fn);
  return () => state.listeners.delete(fn);
}

/** A number that changes whenever the served types do (for caches of documents built from them). */
export function typesGeneration(): number {
  return custom().generation;
}

const VERSION_RE = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Kubernetes' version priority (version.CompareKubeAwareVersionStrings): GA before beta before alpha, higher
 * numbers first; versions not shaped like v1, v2beta1 come last, alphabetically.
 */
export function compareVersions(a: string, b: string): number {
  const ma = VERSION_RE.exec(a);
  const mb = VERSION_RE.exec(b);
  if (!ma || !mb) return ma ? -1 : mb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  const rank = (m: RegExpExecArray) => (m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0);
  if (rank(ma) !== rank(mb)) return rank(mb) - rank(ma);
  if (ma[1] !== mb[1]) return Number(mb[1]) - Number(ma[1]);
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}

/** The types a CustomResourceDefinition serves: one per served version, named as its accepted names say. */
export function customTypesFor(crd: CustomResourceDefinition): ResourceType[] {
  const spec = crd.spec;
  // Served under the names the CRD controller accepted (the spec's until it has looked at them).
  const accepted = crd.status?.acceptedNames;
  const names = accepted?.plural && accepted.kind ? { ...spec.names, ...accepted } : spec.names;
  const storage = spec.versions.find((v) => v.storage)?.name ?? spec.versions[0]?.name ?? 'v1';
  return spec.versions
    .filter((v) => v.served)
    .map((v) => ({
      group: spec.group,
      version: v.name,
      kind: names.kind,
      plural: names.plural,
      singular: names.singular || names.kind.toLowerCase(),
      shortNames: names.shortNames ?? [],
      namespaced: spec.scope === 'Namespaced',
      verbs: ALL_VERBS,
      subresources: [...(v.subresources?.status ? ['status'] : []), ...(v.subresources?.scale ? ['scale'] : [])],
      ...(names.categories?.length ? { categories: names.categories } : {}),
      key: `${names.plural}.${spec.group}`,
      crd,
      listKind: names.listKind || `${names.kind}List`,
      storageVersion: storage,
    }));
}

interface Index {
  generation: number;
  all: ResourceType[];
  stored: ResourceType[];
  byPath: Map<string, ResourceType>;
  byKey: Map<string, ResourceType>;
  groups: string[];
  versions: Map<string, string[]>;
}

const BUILT_IN_KEYS = new Set(RESOURCE_TYPES.map((t) => t.key));

// Per copy of this module: the built-in objects are this copy's own.
let index: Index | undefined;

const pathKey = (group: string, version: string, plural: string) => `${group}/${version}/${plural}`;

function current(): Index {
  const state = custom();
  if (index?.generation === state.generation) return index;
  const byPath = new Map<string, ResourceType>();
  const byKey = new Map<string, ResourceType>();
  const versions = new Map<string, Set<string>>();
  const all: ResourceType[] = [];
  const add = (t: ResourceType) => {
    const path = pathKey(t.group, t.version, t.plural);
    // Built-ins first: a CRD cannot take over a served resource, nor share a built-in's store key.
    if (byPath.has(path) || (t.crd && BUILT_IN_KEYS.has(t.key))) return;
    byPath.set(path, t);
    all.push(t);
    let set = versions.get(t.group);
    if (!set) versions.set(t.group, (set = new Set()));
    set.add(t.version);
    const known = byKey.get(t.key);
    if (!known || (t.crd && t.storageVersion === t.version)) byKey.set(t.key, t);
  };
  for (const t of RESOURCE_TYPES) add(t);
  for (const crdTypes of state.byCrd.values()) for (const t of crdTypes) add(t);
  const groups = [...versions.keys()].filter(Boolean);
  index = {
    generation: state.generation,
    all,
    stored: [...byKey.values()],
    byPath,
    byKey,
    groups,
    versions: new Map([...versions].map(([g, set]) => [g, [...set].sort(compareVersions)])),
  };
  return index;
}

/** Every served group/version/resource: the built-ins, then each served version of each custom resource. */
export function allTypes(): ResourceType[] {
  return current().all;
}

/** One type per store key: the built-ins and the storage version of each custom resource (for scans of the store). */
export function storedTypes(): ResourceType[] {
  return current().stored;
}

/** The named API groups served (the core group '' is not among them). */
export function groups(): string[] {
  return current().groups;
}

/** The versions a group serves, preferred first; empty for an unknown group. */
export function groupVersions(group: string): string[] {
  return current().versions.get(group) ?? [];
}

export function findType(group: string, version: string, plural: string): ResourceType | undefined {
  return current().byPath.get(pathKey(group, version, plural));
}

/** The type stored under `key`, or undefined (a custom resource whose CRD is gone). */
export function lookupKey(key: string): ResourceType | undefined {
  return current().byKey.get(key);
}

export function typeByKey(key: string): ResourceType {
  const t = lookupKey(key);
  if (!t) throw new Error(`unknown resource ${key}`);
  return t;
}

/** The type of `kind`; with an apiVersion (an owner reference's), the kind in that group. */
export function typeByKind(kind: string, apiVersion?: string): ResourceType | undefined {
  const { stored } = current();
  if (apiVersion === undefined) return stored.find((r) => r.kind === kind);
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return stored.find((r) => r.kind === kind && r.group === group);
}

/** The resource name RBAC decides on: the plural for built-ins, plural.group for custom resources. */
export const rbacResource = (t: ResourceType) => (t.crd ? t.key : t.plural);

export const apiVersionOf = (t: ResourceType) => (t.group ? `${t.group}/${t.version}` : t.version);
