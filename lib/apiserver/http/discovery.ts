import { apiVersionOf, GROUPS, RESOURCE_TYPES } from '../../apimachinery/registry.ts';
import { metricsGroup } from './metrics.ts';

// Legacy discovery documents: kubectl falls back to these when it gets plain
// JSON for its aggregated-discovery request.

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(group: string) {
  const gv = { groupVersion: `${group}/v1`, version: 'v1' };
  return { name: group, versions: [gv], preferredVersion: gv };
}

export function apiGroupList() {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...GROUPS.map(groupDoc), metricsGroup()] };
}

export function apiGroup(group: string) {
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group) };
}

const SUBRESOURCE_VERBS: Record<string, string[]> = {
  status: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
  binding: ['create'],
  eviction: ['create'],
  log: ['get'],
  finalize: ['update'],
};

const SUBRESOURCE_KIND: Record<string, (kind: string) => { kind: string; group?: string; version?: string }> = {
  scale: () => ({ kind: 'Scale', group: 'autoscaling', version: 'v1' }),
  binding: () => ({ kind: 'Binding' }),
  eviction: () => ({ kind: 'Eviction', group: 'policy', version: 'v1' }),
  log: () => ({ kind: 'Pod' }),
};

export function apiResourceList(group: string) {
  const resources = [];
  for (const t of RESOURCE_TYPES.filter((r) => r.group === group)) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
      storageVersionHash: Buffer.from(t.key).toString('base64').slice(0, 11),
    });
    for (const sub of t.subresources) {
      resources.push({
        name: `${t.plural}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        ...(SUBRESOURCE_KIND[sub]?.(t.kind) ?? { kind: t.kind }),
        verbs: SUBRESOURCE_VERBS[sub] ?? ['get'],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/v1` : 'v1', resources };
}

export { apiVersionOf };
