import { allTypes, groups, groupVersions } from '../../apimachinery/registry.ts';
import { metricsGroup } from './metrics.ts';

// Legacy discovery documents: kubectl falls back to these when it gets plain
// JSON for its aggregated-discovery request. Built from the registry on each
// request, so custom resources appear (and go) as their CRDs do.

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(group: string) {
  const versions = groupVersions(group).map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList() {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groups().map(groupDoc), metricsGroup()] };
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
  exec: ['create', 'get'],
  finalize: ['update'],
};

const SUBRESOURCE_KIND: Record<string, (kind: string) => { kind: string; group?: string; version?: string }> = {
  scale: () => ({ kind: 'Scale', group: 'autoscaling', version: 'v1' }),
  binding: () => ({ kind: 'Binding' }),
  eviction: () => ({ kind: 'Eviction', group: 'policy', version: 'v1' }),
  log: () => ({ kind: 'Pod' }),
  exec: () => ({ kind: 'PodExecOptions' }),
};

export function apiResourceList(group: string, version: string) {
  const resources = [];
  for (const t of allTypes().filter((r) => r.group === group && r.version === version)) {
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
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}
