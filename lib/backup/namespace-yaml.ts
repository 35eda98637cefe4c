import { parseAllDocuments, stringify } from 'yaml';
import { ApiError, badRequest, isApiError, type Status } from '../apimachinery/errors.ts';
import type { KubeObject } from '../apimachinery/object.ts';
import { allTypes, apiVersionOf, storedTypes, typeByKey, type ResourceType } from '../apimachinery/registry.ts';
import type { ObjectApi } from '../apiserver/object-api.ts';

// A namespace as YAML, for moving an application between clusters: `export` writes the objects someone created
// (what `kubectl get -o yaml` shows, cleaned of what the server fills in), `import` applies them (server-side
// apply, field manager "entroos-import", forced), one result or Status per document.
//
// Left out of an export: status and server-set metadata (uid, resourceVersion, generation, creationTimestamp,
// managedFields, ownerReferences' targets), objects a controller owns (a Deployment's ReplicaSets and pods come
// back from the Deployment), Events, Endpoints of a Service, what every namespace gets by itself (the "default"
// ServiceAccount, the kube-root-ca.crt ConfigMap), a Service's allocated cluster IPs, and Secrets unless asked
// for (their values would be in the file in the clear).

export const IMPORT_MANAGER = 'entroos-import';

const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

const SKIPPED = new Set(['events', 'events.events.k8s.io', 'endpoints', 'endpointslices.discovery.k8s.io']);

function automatic(t: ResourceType, o: KubeObject): boolean {
  if (t.key === 'serviceaccounts' && o.metadata.name === 'default') return true;
  if (t.key === 'configmaps' && o.metadata.name === 'kube-root-ca.crt') return true;
  if (t.key === 'secrets' && (o as { type?: string }).type === 'kubernetes.io/service-account-token') return true;
  const owners = o.metadata.ownerReferences;
  return Array.isArray(owners) && owners.some((r: { controller?: boolean }) => r?.controller === true);
}

function cleaned(t: ResourceType, o: KubeObject): KubeObject {
  const { status: _status, ...rest } = o;
  void _status;
  const metadata: Record<string, unknown> = { ...o.metadata };
  for (const key of SERVER_METADATA) delete metadata[key];
  const out: KubeObject = {
    ...rest,
    apiVersion: o.apiVersion ?? apiVersionOf(t),
    kind: o.kind ?? t.kind,
    metadata: metadata as KubeObject['metadata'],
  };
  if (t.key === 'services' && out.spec && typeof out.spec === 'object') {
    const spec = { ...(out.spec as Record<string, unknown>) };
    if (spec.clusterIP !== 'None') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    out.spec = spec;
  }
  return out;
}

export interface ExportOptions {
  includeSecrets?: boolean;
}

/** The namespace's objects as a YAML stream (one document per object), in a fixed order. */
export function exportNamespace(api: ObjectApi, namespace: string, options: ExportOptions = {}): string {
  if (!api.peek(typeByKey('namespaces'), undefined, namespace))
    throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { kind: 'namespaces', name: namespace });
  const docs: KubeObject[] = [];
  const types = storedTypes()
    .filter((t) => t.namespaced && !SKIPPED.has(t.key) && (options.includeSecrets || t.key !== 'secrets'))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  for (const t of types) for (const o of api.list(t, namespace).items) if (!automatic(t, o)) docs.push(cleaned(t, o));
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}

export interface ImportResult {
  index: number;
  kind?: string;
  name?: string;
  /** created, configured (changed) or unchanged. */
  result?: 'created' | 'configured' | 'unchanged';
  status?: Status;
}

/** The answer of POST /apis/entroos.io/v1/namespaces/{namespace}/import. */
export interface ImportReport {
  kind: 'ImportResult';
  apiVersion: 'entroos.io/v1';
  /** Documents that got a Status instead of a result. */
  failed: number;
  items: ImportResult[];
}

function typeOf(apiVersion: unknown, kind: unknown): ResourceType {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind)
    throw badRequest('a document needs apiVersion and kind');
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const t = allTypes().find((r) => r.group === group && r.version === version && r.kind === kind);
  if (!t) throw badRequest(`no kind "${kind}" is served at ${apiVersion}`);
  if (!t.namespaced) throw badRequest(`${kind} is not namespaced: an import holds only objects of one namespace`);
  return t;
}

const asStatus = (err: unknown): Status =>
  (isApiError(err) ? err : new ApiError(500, 'InternalError', (err as Error).message)).toStatus();

/**
 * Applies each document of `text` in `namespace` (created when missing), like `kubectl apply --server-side
 * --force-conflicts`. A document of another namespace, a cluster-scoped kind or a failing apply gets its Status;
 * the others are applied all the same.
 */
export async function importNamespace(api: ObjectApi, namespace: string, text: string): Promise<ImportResult[]> {
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  const namespaces = typeByKey('namespaces');
  if (!api.peek(namespaces, undefined, namespace))
    await api.create(namespaces, undefined, { metadata: { name: namespace } }, { fieldManager: IMPORT_MANAGER });
  const results: ImportResult[] = [];
  let index = 0;
  for (const doc of list) {
    index++;
    if (doc.errors.length) {
      results.push({ index, status: badRequest(`document ${index}: ${doc.errors[0].message}`).toStatus() });
      continue;
    }
    const body = doc.toJS() as unknown;
    if (body === null || body === undefined) continue;
    const object = body as Partial<KubeObject> & { metadata?: Record<string, unknown> };
    const kind = typeof object.kind === 'string' ? object.kind : undefined;
    const name = typeof object.metadata?.name === 'string' ? object.metadata.name : undefined;
    try {
      if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('a document must be an object');
      const t = typeOf(object.apiVersion, object.kind);
      if (!name) throw badRequest('metadata.name is required');
      if (object.metadata?.namespace !== undefined && object.metadata.namespace !== namespace)
        throw badRequest(`the document is in namespace ${String(object.metadata.namespace)}, not ${namespace}`);
      const metadata = { ...object.metadata };
      for (const key of SERVER_METADATA) delete metadata[key];
      const before = api.peek(t, namespace, name)?.metadata.resourceVersion;
      const { object: stored, created } = await api.apply(
        t,
        namespace,
        name,
        { ...object, metadata },
        { fieldManager: IMPORT_MANAGER, force: true },
      );
      results.push({
        index,
        kind,
        name,
        result: created ? 'created' : stored.metadata.resourceVersion === before ? 'unchanged' : 'configured',
      });
    } catch (err) {
      results.push({ index, kind, name, status: asStatus(err) });
    }
  }
  return results;
}
