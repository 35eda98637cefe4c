// The resource types EntroOS serves, described the way discovery describes
// them (https://kubernetes.io/docs/reference/using-api/api-concepts/).

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
  /** Store key: plural for core, plural.group otherwise. */
  key: string;
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
    subresources: ['status', 'binding', 'log', 'eviction'],
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
];

export const GROUPS = [...new Set(RESOURCE_TYPES.map((r) => r.group).filter(Boolean))];

export function findType(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function typeByKey(key: string): ResourceType {
  const t = RESOURCE_TYPES.find((r) => r.key === key);
  if (!t) throw new Error(`unknown resource ${key}`);
  return t;
}

export function typeByKind(kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((r) => r.kind === kind);
}

export const apiVersionOf = (t: ResourceType) => (t.group ? `${t.group}/${t.version}` : t.version);
