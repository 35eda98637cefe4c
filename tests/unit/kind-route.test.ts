import { describe, expect, it } from 'vitest';
import type { ApiResourceEntry } from '@/lib/client/discovery.ts';
import { kindSuggestions, resolveKind } from '@/lib/client/kind-route.ts';

const entry = (group: string, plural: string, kind: string, shortNames: string[] = []): ApiResourceEntry => ({
  group,
  version: group === 'core' ? 'v1' : 'v1',
  plural,
  kind,
  namespaced: true,
  shortNames,
  verbs: ['list'],
});

const ENTRIES = [
  entry('core', 'pods', 'Pod', ['po']),
  entry('core', 'configmaps', 'ConfigMap', ['cm']),
  entry('core', 'events', 'Event', ['ev']),
  entry('events.k8s.io', 'events', 'Event', ['ev']),
  entry('apps', 'deployments', 'Deployment', ['deploy']),
  entry('stable.example.com', 'crontabs', 'CronTab', ['ct']),
];

describe(':kind jumps', () => {
  it.each([
    ['pods', '/pods'],
    [':po', '/pods'],
    ['Pod', '/pods'],
    ['deploy', '/deployments'],
    ['deployments.apps', '/deployments'],
    ['cm', '/resources/core/v1/configmaps'],
    ['  configmap ', '/resources/core/v1/configmaps'],
    ['ct', '/resources/stable.example.com/v1/crontabs'],
    ['crontabs.stable', '/resources/stable.example.com/v1/crontabs'],
    ['crontabs.stable.example.com', '/resources/stable.example.com/v1/crontabs'],
    // The core group's Event before events.k8s.io's, as kubectl picks it.
    ['ev', '/events'],
    ['events.events.k8s.io', '/resources/events.k8s.io/v1/events'],
  ])('%s → %s', (typed, href) => {
    expect(resolveKind(typed, ENTRIES)?.href).toBe(href);
  });

  it('finds nothing for names the server does not serve, or a wrong group', () => {
    expect(resolveKind('widgets', ENTRIES)).toBeUndefined();
    expect(resolveKind('deployments.batch', ENTRIES)).toBeUndefined();
    expect(resolveKind('  ', ENTRIES)).toBeUndefined();
  });

  it('suggests each plural and short name once', () => {
    const names = kindSuggestions(ENTRIES);
    expect(names).toContain('cm');
    expect(names.filter((n) => n === 'events')).toHaveLength(1);
  });
});
