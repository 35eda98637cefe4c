import { describe, expect, it } from 'vitest';
import type { ApiResourceEntry } from '../../lib/client/discovery.ts';
import {
  entryFor,
  matchLabelsSelector,
  objectHref,
  ownableKinds,
  ownedBy,
  ownerLinks,
} from '../../lib/client/object-links.ts';

const entry = (
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced = true,
  verbs = ['list', 'get'],
) => ({ group, version, plural, kind, namespaced, shortNames: [], verbs }) satisfies ApiResourceEntry;

const entries = [
  entry('core', 'v1', 'pods', 'Pod'),
  entry('core', 'v1', 'nodes', 'Node', false),
  entry('core', 'v1', 'events', 'Event'),
  entry('apps', 'v1', 'replicasets', 'ReplicaSet'),
  entry('apps', 'v1', 'deployments', 'Deployment'),
  entry('ci.entroos.io', 'v1', 'pipelineruns', 'PipelineRun'),
  entry('authorization.k8s.io', 'v1', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true, ['create']),
];

describe('object links', () => {
  it('links pods and nodes to their own pages and every other kind to the generic page', () => {
    expect(objectHref(entries[0], 'web-1', 'demo')).toBe('/pods/demo/web-1');
    expect(objectHref(entries[1], 'node-1')).toBe('/nodes/node-1');
    expect(objectHref(entries[3], 'web-7f', 'demo')).toBe('/resources/apps/v1/replicasets/demo/web-7f');
    expect(objectHref(entries[5], 'r 1', 'a/b')).toBe('/resources/ci.entroos.io/v1/pipelineruns/a%2Fb/r%201');
  });

  it('finds the served kind of an apiVersion whatever version discovery prefers', () => {
    expect(entryFor('apps/v1', 'Deployment', entries)?.plural).toBe('deployments');
    expect(entryFor('v1', 'Pod', entries)?.plural).toBe('pods');
    expect(entryFor('ci.entroos.io/v1beta1', 'PipelineRun', entries)?.version).toBe('v1');
    expect(entryFor('apps/v1', 'StatefulSet', entries)).toBeUndefined();
  });

  it("lists the owners, controller first, in the object's namespace; an unserved kind has no link", () => {
    const links = ownerLinks(
      {
        name: 'web-7f-abc',
        namespace: 'demo',
        ownerReferences: [
          { apiVersion: 'example.com/v1', kind: 'Gone', name: 'g', uid: 'u0' },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7f', uid: 'u1', controller: true },
        ],
      },
      entries,
    );
    expect(links).toEqual([
      {
        kind: 'ReplicaSet',
        name: 'web-7f',
        namespace: 'demo',
        href: '/resources/apps/v1/replicasets/demo/web-7f',
        controller: true,
      },
      { kind: 'Gone', name: 'g', namespace: undefined, href: undefined, controller: false },
    ]);
    expect(ownerLinks({ name: 'x' }, entries)).toEqual([]);
  });

  it('searches only namespaced, listable kinds that are not records about objects', () => {
    expect(ownableKinds(entries).map((e) => e.plural)).toEqual(['pods', 'replicasets', 'deployments', 'pipelineruns']);
  });

  it('turns a declared matchLabels into a label selector', () => {
    expect(matchLabelsSelector({ spec: { selector: { matchLabels: { app: 'web', tier: 'front' } } } })).toBe(
      'app=web,tier=front',
    );
    expect(matchLabelsSelector({ spec: { selector: { app: 'web' } } })).toBeUndefined();
    expect(matchLabelsSelector({ spec: { selector: { matchLabels: {} } } })).toBeUndefined();
    expect(matchLabelsSelector({})).toBeUndefined();
  });

  it('keeps the items whose ownerReferences name the uid', () => {
    const items = [
      {
        metadata: {
          name: 'a',
          namespace: 'demo',
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'U', controller: true }],
        },
      },
      {
        metadata: {
          name: 'b',
          namespace: 'demo',
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'other', uid: 'V' }],
        },
      },
      { metadata: { name: 'c', namespace: 'demo' } },
    ];
    expect(ownedBy('U', entries[0], items)).toEqual([
      { kind: 'Pod', name: 'a', namespace: 'demo', href: '/pods/demo/a', controller: true },
    ]);
  });
});
