import { describe, expect, it } from 'vitest';
import type { ApiResourceEntry } from '@/lib/client/discovery.ts';
import { isEmptyQuery, parseQuery, searchableKinds, searchItems, type SearchItem } from '@/lib/client/search.ts';

const entry = (group: string, plural: string, kind: string, shortNames: string[] = []): ApiResourceEntry => ({
  group,
  version: 'v1',
  plural,
  kind,
  namespaced: plural !== 'nodes',
  shortNames,
  verbs: ['list', 'get'],
});

const PODS = entry('core', 'pods', 'Pod', ['po']);
const NODES = entry('core', 'nodes', 'Node', ['no']);
const DEPLOY = entry('apps', 'deployments', 'Deployment', ['deploy']);
const SVC = entry('core', 'services', 'Service', ['svc']);
const EVENTS = entry('core', 'events', 'Event', ['ev']);
const POD_METRICS = entry('metrics.k8s.io', 'pods', 'PodMetrics');
const ENTRIES = [PODS, NODES, DEPLOY, SVC, EVENTS, POD_METRICS];

const item = (
  e: ApiResourceEntry,
  name: string,
  labels: Record<string, string> = {},
  namespace = 'demo',
): SearchItem => ({
  entry: e,
  name,
  namespace: e.namespaced ? namespace : undefined,
  labels,
});

const ITEMS: SearchItem[] = [
  item(DEPLOY, 'web', { app: 'web' }),
  item(DEPLOY, 'api', { app: 'api' }),
  item(SVC, 'web'),
  item(PODS, 'web-7d9f-abcde', { app: 'web' }),
  item(PODS, 'api-5c4-xyz', { app: 'api' }),
  item(NODES, 'node-1', { zone: 'a' }),
  ...Array.from({ length: 20 }, (_, i) => item(PODS, `web-7d9f-${i}`, { app: 'web' })),
];

const found = (text: string) =>
  searchItems(ITEMS, parseQuery(text, ENTRIES)).map((g) => [g.entry.kind, g.hits.map((h) => h.name), g.more]);

describe('Ctrl-K search', () => {
  it('reads a leading kind, label terms and name words', () => {
    expect(parseQuery('deploy web', ENTRIES)).toMatchObject({ kind: DEPLOY, terms: ['web'] });
    expect(parseQuery('app=web', ENTRIES)).toMatchObject({ labelText: 'app=web', terms: [] });
    expect(parseQuery('po app=web tier!=db 7D9F', ENTRIES)).toMatchObject({
      kind: PODS,
      labelText: 'app=web,tier!=db',
      terms: ['7d9f'],
    });
    expect(parseQuery('app=we b=', ENTRIES).problem).toBeUndefined();
    expect(parseQuery('a=b=c', ENTRIES).problem).toMatch(/not a label selector/);
    expect(isEmptyQuery(parseQuery('   ', ENTRIES))).toBe(true);
  });

  it('finds by name, exact names first, grouped by kind', () => {
    const groups = found('web');
    // Exact names first (workloads, then services), then the kinds where "web" is only part of a name.
    expect(groups[0]).toEqual(['Deployment', ['web'], 0]);
    expect(groups.map((g) => g[0])).toEqual(['Deployment', 'Service', 'Pod']);
    expect(groups[2][1]).toHaveLength(8);
    expect(groups[2][2]).toBe(13);
  });

  it('finds by kind and name, and by label', () => {
    expect(found('deploy web')).toEqual([['Deployment', ['web'], 0]]);
    expect(found('deploy')).toEqual([['Deployment', ['api', 'web'], 0]]);
    expect(found('app=api')).toEqual([
      ['Deployment', ['api'], 0],
      ['Pod', ['api-5c4-xyz'], 0],
    ]);
    expect(found('no zone=a')).toEqual([['Node', ['node-1'], 0]]);
    expect(found('nothing-like-this')).toEqual([]);
  });

  it('links each hit to its page', () => {
    const [pods] = searchItems(ITEMS, parseQuery('po api', ENTRIES));
    expect(pods.hits[0].href).toBe('/pods/demo/api-5c4-xyz');
    const [deploy] = searchItems(ITEMS, parseQuery('deploy web', ENTRIES));
    expect(deploy.hits[0].href).toBe('/resources/apps/v1/deployments/demo/web');
    const [node] = searchItems(ITEMS, parseQuery('node-1', ENTRIES));
    expect(node.hits[0].href).toBe('/nodes/node-1');
  });

  it('lists only the named kind, or every listable kind but events and metrics', () => {
    expect(searchableKinds(ENTRIES, parseQuery('svc web', ENTRIES))).toEqual([SVC]);
    expect(searchableKinds(ENTRIES, parseQuery('web', ENTRIES)).map((e) => e.plural)).toEqual([
      'pods',
      'nodes',
      'deployments',
      'services',
    ]);
  });
});
