import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field, itemsOf, kindSchema, resolve, valuesOf, type SchemaObject } from '@/lib/apimachinery/schema.ts';
import { login } from '../helpers/api.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// Malformed objects against a real server, for every served built-in kind: create, update and every patch type.
// Each body is wrong by construction — a value of the wrong type at a path the kind's schema defines, a metadata
// field no apiserver accepts, a name no DNS label allows, a broken JSON patch, a body that is not an object — so
// kube-apiserver would refuse every one of them with a 4xx. The test asserts the same here: no response is 5xx or
// 2xx, every error is a Status, and the store is untouched (same resourceVersion, same objects).
//
// ENTROOS_FUZZ_SEED replays a run; ENTROOS_FUZZ_RUNS changes the number of cases per kind and verb.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type Segment = string | number;

interface ServedResource {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  schema: SchemaObject;
}

interface Case {
  label: string;
  method: 'POST' | 'PUT' | 'PATCH';
  path: string;
  contentType: string;
  body: string;
}

interface Outcome {
  request: Case;
  status: number;
  text: string;
}

const SEED = Number(process.env.ENTROOS_FUZZ_SEED ?? 20_161_204);
const RUNS = Number(process.env.ENTROOS_FUZZ_RUNS ?? 40);
const CONCURRENCY = 8;
const NS = 'fuzz';

// A valid object of each served built-in kind: the target of updates and patches, and the base the malformed
// creates start from. A kind served without one here fails the test, so that new kinds get fuzzed too.
const SEEDS: Record<string, JsonObject> = {
  namespaces: { metadata: { name: NS, labels: { fuzz: 'yes' } } },
  // Cordoned with the taint the node controller would add, so the controller has nothing to write mid-fuzz.
  nodes: {
    metadata: { name: 'fuzz-node', labels: { fuzz: 'yes' } },
    spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] },
  },
  pods: {
    metadata: { name: 'fuzz-pod', labels: { app: 'fuzz' }, annotations: { note: 'seed' } },
    spec: {
      // No scheduler serves "manual": nothing else writes this pod while the fuzz runs.
      schedulerName: 'manual',
      containers: [
        {
          name: 'c',
          image: 'nginx:1.27',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          env: [{ name: 'A', value: 'b' }],
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
        },
      ],
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
    },
  },
  services: {
    metadata: { name: 'fuzz-svc' },
    // No selector: the endpoints controller leaves it alone.
    spec: { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
  },
  endpoints: {
    metadata: { name: 'fuzz-ep' },
    subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }],
  },
  events: {
    metadata: { name: 'fuzz-ev' },
    involvedObject: { kind: 'Pod', name: 'fuzz-pod', namespace: NS, apiVersion: 'v1' },
    reason: 'Fuzz',
    message: 'seed',
    type: 'Normal',
    count: 1,
    source: { component: 'fuzz' },
  },
  configmaps: { metadata: { name: 'fuzz-cm' }, data: { a: '1' }, binaryData: { b: 'AQID' } },
  deployments: {
    metadata: { name: 'fuzz-deploy' },
    spec: {
      // Zero replicas: the controllers settle at once and write nothing while the fuzz runs.
      replicas: 0,
      selector: { matchLabels: { app: 'fuzz-deploy' } },
      template: {
        metadata: { labels: { app: 'fuzz-deploy' } },
        spec: { schedulerName: 'manual', containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    },
  },
  replicasets: {
    metadata: { name: 'fuzz-rs' },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'fuzz-rs' } },
      template: {
        metadata: { labels: { app: 'fuzz-rs' } },
        spec: { schedulerName: 'manual', containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    },
  },
  leases: { metadata: { name: 'fuzz-lease' }, spec: { holderIdentity: 'fuzz', leaseDurationSeconds: 30 } },
  secrets: { metadata: { name: 'fuzz-secret' }, type: 'Opaque', data: { a: 'MQ==' } },
  serviceaccounts: { metadata: { name: 'fuzz-sa' } },
  statefulsets: {
    metadata: { name: 'fuzz-sts' },
    spec: {
      replicas: 0,
      serviceName: 'fuzz-sts',
      selector: { matchLabels: { app: 'fuzz-sts' } },
      template: {
        metadata: { labels: { app: 'fuzz-sts' } },
        spec: { schedulerName: 'manual', containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    },
  },
  daemonsets: {
    metadata: { name: 'fuzz-ds' },
    spec: {
      selector: { matchLabels: { app: 'fuzz-ds' } },
      template: {
        metadata: { labels: { app: 'fuzz-ds' } },
        // No node carries this label: the controller settles with nothing to run.
        spec: { nodeSelector: { fuzz: 'nowhere' }, containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    },
  },
  controllerrevisions: { metadata: { name: 'fuzz-rev' }, revision: 1, data: { spec: { a: 1 } } },
  jobs: {
    metadata: { name: 'fuzz-job' },
    spec: {
      suspend: true,
      template: {
        spec: { restartPolicy: 'Never', schedulerName: 'manual', containers: [{ name: 'c', image: 'busybox' }] },
      },
    },
  },
  cronjobs: {
    metadata: { name: 'fuzz-cron' },
    spec: {
      schedule: '0 0 1 1 *',
      suspend: true,
      jobTemplate: {
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
      },
    },
  },
  poddisruptionbudgets: {
    metadata: { name: 'fuzz-pdb' },
    spec: { minAvailable: 1, selector: { matchLabels: { app: 'fuzz-nothing' } } },
  },
  horizontalpodautoscalers: {
    metadata: { name: 'fuzz-hpa' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'fuzz-deploy' },
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      ],
    },
  },
  priorityclasses: { metadata: { name: 'fuzz-priority' }, value: 1000, description: 'fuzz' },
  roles: {
    metadata: { name: 'fuzz-role' },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
  },
  clusterroles: {
    metadata: { name: 'fuzz-clusterrole' },
    rules: [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      { nonResourceURLs: ['/healthz'], verbs: ['get'] },
    ],
  },
  rolebindings: {
    metadata: { name: 'fuzz-rolebinding' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'fuzz-role' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'fuzz-user' }],
  },
  clusterrolebindings: {
    metadata: { name: 'fuzz-clusterrolebinding' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'fuzz-clusterrole' },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'fuzz-group' }],
  },
  customresourcedefinitions: {
    metadata: { name: 'widgets.fuzz.example.com' },
    spec: {
      group: 'fuzz.example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
            },
          },
        },
      ],
    },
  },
};

let server: TestServer;
let token = '';
let resources: ServedResource[] = [];

async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(server.url + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': contentType }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as JsonObject };
}

const gvPath = (r: ServedResource) => (r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`);
const collectionPath = (r: ServedResource) => `${gvPath(r)}${r.namespaced ? `/namespaces/${NS}` : ''}/${r.plural}`;
const seedName = (r: ServedResource) => String((SEEDS[r.plural].metadata as JsonObject).name);
const objectPath = (r: ServedResource) => `${collectionPath(r)}/${seedName(r)}`;

/** The served built-in kinds, from discovery (custom resources have no upstream schema and are left out). */
async function discover(): Promise<ServedResource[]> {
  const groupVersions = ['v1'];
  const groups = (await call('GET', '/apis')).json().groups as { preferredVersion: { groupVersion: string } }[];
  for (const g of groups) groupVersions.push(g.preferredVersion.groupVersion);
  const out: ServedResource[] = [];
  for (const gv of groupVersions) {
    const res = await call('GET', gv === 'v1' ? '/api/v1' : `/apis/${gv}`);
    if (res.status !== 200) continue;
    const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
    for (const r of res.json().resources as { name: string; kind: string; namespaced: boolean; verbs: string[] }[]) {
      // Reviews (create only) are answered, not stored: nothing to update or patch.
      if (r.name.includes('/') || !r.verbs.includes('create') || !r.verbs.includes('get')) continue;
      const schema = kindSchema(group, version, r.kind);
      if (!schema) continue;
      out.push({ group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced, schema });
    }
  }
  return out;
}

interface Snapshot {
  resourceVersion: string;
  objects: Record<string, Json>;
}

/** Every object of every served kind and the store's resourceVersion: what must not change. */
async function snapshot(): Promise<Snapshot> {
  const objects: Record<string, Json> = {};
  let resourceVersion = '';
  for (const r of resources) {
    const list = (await call('GET', `${gvPath(r)}/${r.plural}`)).json();
    resourceVersion = String((list.metadata as JsonObject).resourceVersion);
    for (const item of list.items as JsonObject[]) {
      const meta = item.metadata as JsonObject;
      objects[`${r.plural}/${String(meta.namespace ?? '')}/${String(meta.name)}`] = item;
    }
  }
  return { resourceVersion, objects };
}

async function quiesce(): Promise<void> {
  let last = '';
  let stableSince = Date.now();
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const rv = String(((await call('GET', '/api/v1/namespaces')).json().metadata as JsonObject).resourceVersion);
    if (rv !== last) [last, stableSince] = [rv, Date.now()];
    else if (Date.now() - stableSince > 1500) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the store kept changing for 20 s after seeding');
}

// ---------------------------------------------------------------------------------------------------------------
// Generators

const clone = <T extends Json>(value: T): T => structuredClone(value);

/** A path the kind's schema defines, chosen by `choices`, with the (unresolved) schema node at its end. */
function schemaPath(root: SchemaObject, choices: number[]): { path: Segment[]; leaf?: SchemaObject; ref?: string } {
  let node: SchemaObject | undefined = root;
  let ref: string | undefined;
  const path: Segment[] = [];
  for (const [depth, choice] of choices.entries()) {
    const r = resolve(node);
    if (!r || (depth > 0 && choice % 5 === 0)) break;
    if (r.properties && Object.keys(r.properties).length) {
      const keys = Object.keys(r.properties).filter((k) => !(depth === 0 && (k === 'apiVersion' || k === 'kind')));
      const key = keys[choice % keys.length];
      ref = typeof r.properties[key].$ref === 'string' ? r.properties[key].$ref : undefined;
      path.push(key);
      node = field(r, key);
    } else if (r.type === 'array' && r.items) {
      ref = typeof r.items.$ref === 'string' ? r.items.$ref : undefined;
      path.push(0);
      node = itemsOf(r);
    } else if (typeof r.additionalProperties === 'object') {
      ref = typeof r.additionalProperties.$ref === 'string' ? r.additionalProperties.$ref : undefined;
      path.push(`k${choice % 3}`);
      node = valuesOf(r);
    } else break;
  }
  return { path, leaf: resolve(node), ref };
}

const deep = (depth: number, wrap: (inner: Json) => Json): Json => {
  let value: Json = 'bottom';
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
};

/** Values whose JSON type the schema node does not allow (never null: null means "unset" to kube-apiserver). */
function wrongValues(leaf: SchemaObject | undefined, ref: string | undefined): Json[] {
  if (!leaf) return [];
  if (ref?.endsWith('.RawExtension') || ref?.endsWith('.FieldsV1') || leaf['x-kubernetes-preserve-unknown-fields'])
    return [];
  const structured: Json[] = [{ nested: deep(50, (v) => ({ a: v })) }, deep(50, (v) => [v])];
  if (leaf.format === 'int-or-string' || leaf['x-kubernetes-int-or-string'] || ref?.endsWith('.Quantity'))
    return [true, false, {}, [1], ...structured];
  switch (leaf.type) {
    case 'string': {
      const values: Json[] = [5, -1.5, true, {}, ['x'], ...structured];
      if (leaf.format === 'date-time') values.push('yesterday', '2024-13-45T99:99:99Z');
      if (leaf.format === 'byte') values.push('not base64 !!');
      if (leaf.enum?.length) values.push('NotInTheEnum');
      return values;
    }
    case 'integer':
      return ['5', 1.5, 1e300, true, {}, [], ...structured];
    case 'number':
      return ['5', true, {}, [], ...structured];
    case 'boolean':
      return ['true', 1, {}, [], ...structured];
    case 'object':
      return ['x', 5, true, [], ['a', 'b']];
    case 'array':
      return [{}, 'x', 5, true, { 0: 'a' }];
    default:
      return [];
  }
}

function setAt(target: Json, path: Segment[], value: Json): Json {
  if (!path.length) return value;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const array: Json[] = Array.isArray(target) ? target : [];
    array[head] = setAt(array[head] ?? (typeof rest[0] === 'number' ? [] : {}), rest, value);
    return array;
  }
  const object: JsonObject = target && typeof target === 'object' && !Array.isArray(target) ? target : {};
  object[head] = setAt(object[head] ?? (typeof rest[0] === 'number' ? [] : {}), rest, value);
  return object;
}

const pointer = (path: Segment[]) => path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** A wrong-typed value somewhere the kind's schema defines: [path, value]. */
const wrongTypeArb = (r: ServedResource) =>
  fc
    .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 9 }), fc.nat())
    .map(([choices, pick]) => {
      const { path, leaf, ref } = schemaPath(r.schema, choices);
      const values = wrongValues(leaf, ref);
      return values.length && path.length ? { path, value: values[pick % values.length] } : undefined;
    })
    .filter((x): x is { path: Segment[]; value: Json } => x !== undefined);

/** Not a DNS-1123 subdomain (a name), nor a label key or value. */
const oddStrings = [
  '-leading',
  'trailing-',
  'a'.repeat(254),
  'spa ce',
  'colon:colon',
  'ünïcödé',
  'zero\u200bwidth',
  'rtl\u202egnirts',
  'emoji-🦀',
  'nul\u0000byte',
  'lone\ud800surrogate',
  'new\nline',
  '../../etc/passwd',
  '%2e%2e',
  ' ',
];

/**
 * RBAC objects' names need only be path segments (kube-apiserver's ValidateRBACName): `spa ce` or `colon:colon`
 * are valid role names, as `system:basic-user` is. These are not.
 */
const notPathSegments = ['../../etc/passwd', '%2e%2e', '.', '..', 'a/b'];
const isRbac = (r: ServedResource) => r.group === 'rbac.authorization.k8s.io';

/** metadata no apiserver accepts. */
const badMetadataArb = (r: ServedResource) =>
  fc.oneof(
    fc.constantFrom<[Segment[], Json]>(
      [['metadata'], 'a string'],
      [['metadata'], [1, 2]],
      [['metadata'], 5],
      [
        ['metadata', 'labels'],
        ['a', 'b'],
      ],
      [['metadata', 'labels'], 'app=web'],
      [['metadata', 'labels', 'n'], 5],
      [['metadata', 'labels', 'n'], { nested: true }],
      [['metadata', 'labels', 'bad key!'], 'v'],
      [['metadata', 'labels', 'v'], 'x'.repeat(64)],
      [['metadata', 'labels', 'v'], 'not valid'],
      [['metadata', 'annotations'], ['a']],
      [['metadata', 'annotations', 'n'], 5],
      [['metadata', 'annotations', 'big'], 'x'.repeat(300_000)],
      [['metadata', 'finalizers'], 'kubernetes'],
      [['metadata', 'finalizers'], [5]],
      [['metadata', 'finalizers'], ['not a valid finalizer!']],
      [['metadata', 'ownerReferences'], [{}]],
      [['metadata', 'ownerReferences'], [{ apiVersion: 'v1', kind: 'Pod', name: 'x' }]],
      [['metadata', 'ownerReferences'], { apiVersion: 'v1' }],
      [['metadata', 'ownerReferences'], [{ apiVersion: 'v1', kind: 'Pod', name: 'x', uid: 5 }]],
      [['metadata', 'creationTimestamp'], 'yesterday'],
      [['metadata', 'creationTimestamp'], 5],
      [['metadata', 'deletionTimestamp'], 'soon'],
      [['metadata', 'generation'], 'first'],
      [['metadata', 'generation'], 1.5],
      [['metadata', 'uid'], { id: 1 }],
      [['metadata', 'resourceVersion'], 5],
      [['metadata', 'resourceVersion'], 'not-a-version'],
      [['metadata', 'managedFields'], 'all of them'],
      [['metadata', 'managedFields'], [{ manager: 5 }]],
      [['metadata', 'generateName'], 5],
      [['apiVersion'], 5],
      [['apiVersion'], 'v999'],
      [['apiVersion'], 'nonexistent.example.com/v1'],
      [['kind'], 5],
      [['kind'], 'NoSuchKind'],
      // (An empty kind is not here: kube-apiserver reads it as unset and takes the kind from the path.)
    ),
    fc
      .constantFrom(...(isRbac(r) ? notPathSegments : oddStrings))
      .map((s): [Segment[], Json] => [['metadata', 'name'], s]),
    // 64 characters: a valid name, but too long for a label key's name part or a label value.
    fc.constantFrom(...oddStrings, 'x'.repeat(64)).map((s): [Segment[], Json] => [['metadata', 'labels', s], 'v']),
    fc.constantFrom(...oddStrings, 'x'.repeat(64)).map((s): [Segment[], Json] => [['metadata', 'labels', 'k'], s]),
  );

/**
 * Bodies that are not an object of the kind at all. (Bodies over the 3 MiB limit are not sent here: the server
 * answers them 413 without reading the upload and then resets the connection, which fetch reports as a failure of
 * whichever request used it — a transport problem of its own, outside what this test measures.)
 */
const notAnObjectArb = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '[1,',
    'nul',
    '{"a":1}{"b":2}',
    '\u0000',
    '{"metadata":{"name":"x"}',
    '\ufeff{}',
    'NaN',
    '1e99999',
    '"\\ud800"',
    `{"kind":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
    `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
  ),
  fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.string(), fc.constant(null)).map((v) => JSON.stringify(v)),
  fc.array(fc.jsonValue(), { maxLength: 5 }).map((v) => JSON.stringify(v)),
  // Unknown fields (refused under fieldValidation=Strict); not null values, which a merge patch reads as "remove".
  fc
    .dictionary(
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.jsonValue().filter((v) => v !== null),
      {
        minKeys: 1,
        maxKeys: 6,
      },
    )
    .map((v) => JSON.stringify(v)),
);

/** JSON patches that are broken as patches, or apply a wrong-typed value. */
const brokenJsonPatchArb = (r: ServedResource) =>
  fc.oneof(
    wrongTypeArb(r).map(({ path, value }) => [{ op: 'add', path: pointer(path), value }] as Json),
    wrongTypeArb(r).map(({ path, value }) => [{ op: 'replace', path: pointer(path), value }] as Json),
    fc.constantFrom<Json>(
      { op: 'add', path: '/metadata/labels/x', value: 'y' },
      [{ op: 'bogus', path: '/metadata' }],
      [{ op: 'add' }],
      [{ op: 'add', path: 'metadata/labels' }],
      [{ op: 'add', path: '/metadata/labels/~2', value: 'x' }],
      [{ op: 'remove', path: '/metadata/nonexistent/deep' }],
      [{ op: 'replace', path: '/spec/nothing/here', value: 1 }],
      [{ op: 'move', from: '/nowhere', path: '/metadata/labels/x' }],
      [{ op: 'copy', from: '/metadata', path: '/metadata/labels/x' }],
      [{ op: 'test', path: '/metadata/name', value: 'not-the-name' }],
      [{ op: 'add', path: '/metadata/finalizers/99999', value: 'x' }],
      [{ op: 'add', path: '/metadata/finalizers/-1', value: 'x' }],
      [{ op: 'remove', path: '' }],
      [{ op: 'replace', path: '', value: 5 }],
      [{ op: 'replace', path: '', value: [] }],
      [{ op: 'replace', path: '/metadata', value: 'x' }],
      [{ op: 'replace', path: '/metadata/name', value: 'renamed' }],
      [{ op: 'replace', path: '/metadata/name', value: 5 }],
      [{ op: 'add', path: '/metadata/labels', value: { 'bad key!': 'v' } }],
      [null],
      [5],
      'add',
      {},
    ),
  );

/** Merge / strategic merge patches with a wrong-typed value, broken directives, or a non-object body. */
const brokenMergePatchArb = (r: ServedResource, strategic: boolean) =>
  fc.oneof(
    wrongTypeArb(r).map(({ path, value }) => setAt({}, path, value)),
    badMetadataArb(r).map(([path, value]) => setAt({}, path, value)),
    fc.constantFrom<Json>(5, 'x', true, [], [{ a: 1 }], { metadata: 'x' }, { metadata: { name: 'renamed' } }),
    ...(strategic
      ? [
          fc.constantFrom<Json>(
            { $patch: 'bogus' },
            { $patch: 'replace', metadata: 5 },
            { metadata: { $patch: 'delete' } },
            { metadata: { $retainKeys: 5 } },
            { metadata: { labels: { $patch: 5 } } },
            { metadata: { '$setElementOrder/finalizers': 'x' } },
            { metadata: { '$deleteFromPrimitiveList/finalizers': 5 } },
            { metadata: { '$deleteFromPrimitiveList/finalizers': [{ a: 1 }] } },
            { metadata: { ownerReferences: [{ $patch: 'delete' }] } },
            { metadata: { ownerReferences: [{ uid: 5 }] } },
            { spec: { containers: [{ image: 'no-name-merge-key' }] } },
            { spec: { containers: [{ $patch: 'bogus', name: 'c' }] } },
            { spec: { '$setElementOrder/containers': [{ noname: 1 }] } },
            { spec: { '$setElementOrder/containers': 'x' } },
          ),
        ]
      : []),
  );

const withPath = (base: JsonObject, [path, value]: [Segment[], Json]) => setAt(clone(base), path, value) as JsonObject;

function cases(r: ServedResource, current: JsonObject): Case[] {
  const base = clone(SEEDS[r.plural]);
  // A fresh name, so that a create that gets through adds an object instead of answering AlreadyExists.
  (base.metadata as JsonObject).name = `fuzz-new-${r.plural}`;
  const createBody = fc.oneof(
    { weight: 4, arbitrary: wrongTypeArb(r).map(({ path, value }) => JSON.stringify(withPath(base, [path, value]))) },
    { weight: 2, arbitrary: badMetadataArb(r).map((change) => JSON.stringify(withPath(base, change))) },
    { weight: 1, arbitrary: notAnObjectArb },
  );
  const updateBody = fc.oneof(
    {
      weight: 4,
      arbitrary: wrongTypeArb(r).map(({ path, value }) => JSON.stringify(withPath(current, [path, value]))),
    },
    { weight: 2, arbitrary: badMetadataArb(r).map((change) => JSON.stringify(withPath(current, change))) },
    { weight: 1, arbitrary: notAnObjectArb },
  );
  const sample = <T>(arb: fc.Arbitrary<T>, salt: number) => fc.sample(arb, { numRuns: RUNS, seed: SEED + salt });
  const salt = [...r.plural].reduce((n, c) => n * 31 + c.charCodeAt(0), 7) % 1_000_000;
  const out: Case[] = [];
  // fieldValidation=Strict, as kubectl sends it: an unknown field is a 400, not a warning and a silent drop.
  const add = (label: string, method: Case['method'], path: string, contentType: string, bodies: string[]) => {
    for (const body of bodies) out.push({ label, method, path: `${path}?fieldValidation=Strict`, contentType, body });
  };
  add('create', 'POST', collectionPath(r), 'application/json', sample(createBody, salt));
  add('create with a deep unknown field', 'POST', collectionPath(r), 'application/json', [
    JSON.stringify({ ...base, unknownField: deep(200, (v) => ({ v })) }),
  ]);
  add('update', 'PUT', objectPath(r), 'application/json', sample(updateBody, salt + 1));
  const merge = sample(brokenMergePatchArb(r, false), salt + 2).map((b) => JSON.stringify(b));
  add('merge patch', 'PATCH', objectPath(r), 'application/merge-patch+json', merge);
  const strategic = sample(brokenMergePatchArb(r, true), salt + 3).map((b) => JSON.stringify(b));
  add('strategic merge patch', 'PATCH', objectPath(r), 'application/strategic-merge-patch+json', strategic);
  const json = sample(brokenJsonPatchArb(r), salt + 4).map((b) => JSON.stringify(b));
  add('json patch', 'PATCH', objectPath(r), 'application/json-patch+json', json);
  add(
    'patch with a malformed body',
    'PATCH',
    objectPath(r),
    'application/merge-patch+json',
    sample(notAnObjectArb, salt + 5),
  );
  return out;
}

async function runAll(requests: Case[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++];
      try {
        const res = await call(request.method, request.path, request.body, request.contentType);
        outcomes.push({ request, status: res.status, text: res.text });
      } catch (err) {
        const cause = (err as Error & { cause?: Error }).cause;
        outcomes.push({ request, status: 599, text: `request failed: ${(err as Error).message} (${String(cause)})` });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
}

const show = (o: Outcome) =>
  `${o.status} ${o.request.label}: ${o.request.method} ${o.request.path} (${o.request.contentType}) body=${
    o.request.body.length > 300 ? `${o.request.body.slice(0, 300)}… (${o.request.body.length} chars)` : o.request.body
  }\n    → ${o.text.slice(0, 300)}`;

describe(`fuzzing every served built-in kind with malformed objects (seed ${SEED})`, () => {
  beforeAll(async () => {
    server = await startServer({
      env: {
        ENTROOS_RATE_LIMIT_QPS: '1000000',
        ENTROOS_RATE_LIMIT_BURST: '1000000',
        ENTROOS_NODE_GRACE_SECONDS: '3600',
      },
    });
    token = await login(server.url);
    resources = await discover();
    for (const r of resources) {
      const seed = SEEDS[r.plural];
      if (!seed) continue;
      const res = await call('POST', collectionPath(r), { ...seed });
      if (res.status !== 201 && !(r.plural === 'namespaces' && res.status === 409))
        throw new Error(`seeding ${r.plural} failed: ${res.status} ${res.text}`);
    }
    await quiesce();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('has a seed for every served built-in kind', () => {
    expect(resources.length).toBeGreaterThanOrEqual(10);
    expect(resources.map((r) => r.plural).filter((plural) => !SEEDS[plural])).toEqual([]);
  });

  let run: { outcomes: Outcome[]; ms: number; before: Snapshot; after: Snapshot } | undefined;
  const fuzz = async () => {
    if (run) return run;
    const started = Date.now();
    const before = await snapshot();
    const requests: Case[] = [];
    for (const r of resources) {
      const current = (await call('GET', objectPath(r))).json();
      requests.push(...cases(r, current));
    }
    const outcomes = await runAll(requests);
    run = { outcomes, ms: Date.now() - started, before, after: await snapshot() };
    if (process.env.ENTROOS_FUZZ_REPORT)
      writeFileSync(
        process.env.ENTROOS_FUZZ_REPORT,
        JSON.stringify(outcomes.filter((o) => o.status < 400 || o.status >= 500)),
      );
    return run;
  };

  const summary = (outcomes: Outcome[], title: string) => {
    const groups = new Map<string, number>();
    for (const o of outcomes) {
      const key = `${o.status} ${o.request.label} ${o.request.path.split('?')[0]}`;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    return [
      title,
      ...[...groups].map(([key, n]) => `  ${n} × ${key}`),
      ...outcomes.slice(0, 20).map((o) => `  ${show(o)}`),
    ].join('\n');
  };

  it('answers every malformed create, update and patch without a 5xx, and every error as a Status', async () => {
    const { outcomes, ms } = await fuzz();
    expect(outcomes.length).toBeGreaterThan(2000);
    const serverErrors = outcomes.filter((o) => o.status >= 500);
    const notStatus = outcomes.filter((o) => {
      if (o.status < 400 || o.status >= 500) return false;
      try {
        const body = JSON.parse(o.text) as JsonObject;
        return body.kind !== 'Status' || body.code !== o.status;
      } catch {
        return true;
      }
    });
    const title = `${outcomes.length} requests over ${resources.length} kinds in ${ms} ms`;
    expect(serverErrors.length, summary(serverErrors, `${title}; 5xx:`)).toBe(0);
    expect(notStatus.length, summary(notStatus, `${title}; errors that are not a Status:`)).toBe(0);
  }, 180_000);

  it('leaves the store as it was: no malformed object is stored', async () => {
    const { outcomes, before, after } = await fuzz();
    // Each write takes a new resourceVersion; the first answer (in completion order) carrying one is its writer,
    // later answers with the same version are no-ops that read the written object back.
    const rv = Number(before.resourceVersion);
    const seen = new Set<number>();
    const stored = outcomes.filter((o) => {
      if (o.status >= 400) return false;
      let version = NaN;
      try {
        version = Number(((JSON.parse(o.text) as JsonObject).metadata as JsonObject | undefined)?.resourceVersion);
      } catch {
        return false;
      }
      if (!(version > rv) || seen.has(version)) return false;
      seen.add(version);
      return true;
    });
    // Answered 2xx without a write (a patch whose result is the stored object): a gap in fidelity (kube-apiserver
    // would refuse it) but nothing stored, so only reported.
    const noops = outcomes.filter((o) => o.status < 400 && !stored.includes(o));
    if (noops.length) console.warn(summary(noops, 'malformed requests answered 2xx without a write:'));
    const report = summary(stored, 'malformed requests that were stored:');
    expect(stored.length, report).toBe(0);
    expect(after.resourceVersion, report).toBe(before.resourceVersion);
    expect(Object.keys(after.objects).sort()).toEqual(Object.keys(before.objects).sort());
    for (const [key, object] of Object.entries(before.objects)) expect(after.objects[key], key).toEqual(object);
  }, 180_000);
});
