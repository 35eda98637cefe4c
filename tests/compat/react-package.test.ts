import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import type { KubeObject, Transport, WatchEvent } from '@entroos/client';
import type { KindSchema } from '../../packages/react/src/schema.ts';
import { ROOT } from '../helpers/server.ts';
import { ensurePackagesBuilt } from './cli-support.ts';

// The package's sources import @entroos/client as users do (its dist/, through the workspace link).
ensurePackagesBuilt();
const { Client } = await import('@entroos/client');
const { WatchHub } = await import('../../packages/react/src/watch-hub.ts');
const { loadKindSchema, resolve, validate } = await import('../../packages/react/src/schema.ts');
const { age, parseQuantity, statusOf } = await import('../../packages/react/src/status.ts');

// @entroos/react without a browser: the size of its core, the watch hub's sharing and closing, the form's checks
// and the schema lookup. The hooks run in Chromium against a real server in tests/e2e/react-hooks.spec.ts.

describe('@entroos/react bundle', () => {
  const bundle = async (external: string[]) => {
    const out = await build({
      entryPoints: [join(ROOT, 'packages/react/src/index.ts')],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      jsx: 'automatic',
      external: ['react', 'react-dom', 'react/jsx-runtime', '@tanstack/react-query', '@entroos/client', ...external],
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0].contents;
    return { bytes: gzipSync(code, { level: 9 }).length, text: new TextDecoder().decode(code) };
  };

  it('keeps the core at most 20 KB minified and gzipped, and 32 KB with the virtualiser', async () => {
    // The core: the package's own code (React, react-query, @entroos/client and @tanstack/react-virtual are
    // imports the app resolves once).
    const core = await bundle(['@tanstack/react-virtual']);
    expect(core.bytes).toBeLessThanOrEqual(20 * 1024);
    // What an app adds by using it, beside its peers: the core and @tanstack/react-virtual.
    expect((await bundle([])).bytes).toBeLessThanOrEqual(32 * 1024);
    // snarkjs is loaded from the server on first use, never bundled.
    expect(core.text).not.toMatch(/groth16Verify|ffjavascript/);
  });
});

/** A transport answering lists and holding watches open until they are aborted; it counts both. */
function fakeServer(objects: KubeObject[]) {
  const open = new Set<(event: WatchEvent<KubeObject>) => void>();
  const stats = { lists: 0, watches: 0, aborted: 0 };
  const encoder = new TextEncoder();
  const transport: Transport = async (req) => {
    const url = new URL(req.url, 'http://fake');
    if (url.searchParams.get('watch') !== 'true') {
      stats.lists++;
      const body = JSON.stringify({ metadata: { resourceVersion: '1' }, items: objects });
      return {
        status: 200,
        header: (n) => (n === 'content-type' ? 'application/json' : null),
        body: (async function* () {
          yield encoder.encode(body);
        })(),
      };
    }
    stats.watches++;
    const queue: string[] = [];
    let wake: (() => void) | undefined;
    const push = (event: WatchEvent<KubeObject>) => {
      queue.push(`${JSON.stringify(event)}\n`);
      wake?.();
    };
    open.add(push);
    const signal = req.signal;
    return {
      status: 200,
      header: () => 'application/json',
      body: (async function* () {
        const aborted = new Promise<void>((r) => signal?.addEventListener('abort', () => r(), { once: true }));
        try {
          while (!signal?.aborted) {
            const line = queue.shift();
            if (line) yield encoder.encode(line);
            else await Promise.race([new Promise<void>((r) => (wake = r)), aborted]);
          }
        } finally {
          open.delete(push);
          stats.aborted++;
        }
      })(),
    };
  };
  return { transport, stats, send: (e: WatchEvent<KubeObject>) => open.forEach((push) => push(e)), open };
}

const cm = (name: string, rv: string): KubeObject => ({
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', resourceVersion: rv },
});

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('WatchHub', () => {
  it('shares one informer per key, batches events into snapshots, and stops the watch after the last subscriber', async () => {
    const server = fakeServer([cm('a', '1')]);
    const hub = new WatchHub(new Client({ server: '', transport: server.transport }), { batchMs: 5 });
    const key = { resource: 'configmaps', namespace: 'default' };
    let changes = 0;
    const events: string[] = [];
    const offA = hub.subscribe(
      key,
      () => changes++,
      (type, o) => events.push(`${type} ${o.metadata?.name}`),
    );
    const offB = hub.subscribe({ ...key }, () => undefined);
    await until(() => hub.snapshot(key).synced && server.open.size === 1, 'the first list and watch');
    expect(hub.snapshot(key).items.map((o) => o.metadata?.name)).toEqual(['a']);
    expect(server.stats).toMatchObject({ lists: 1, watches: 1 });

    for (let i = 2; i < 12; i++) server.send({ type: 'ADDED', object: cm(`n${i}`, String(i)) });
    await until(() => hub.snapshot(key).items.length === 11, 'ten additions');
    // One watch for both subscribers, whatever the number of events; renders are batched.
    expect(server.stats.watches).toBe(1);
    expect(events.filter((e) => e.startsWith('ADDED n'))).toHaveLength(10);
    expect(changes).toBeLessThan(11);
    expect(
      hub
        .snapshot(key)
        .items.map((o) => o.metadata?.name)
        .slice(0, 3),
    ).toEqual(['a', 'n10', 'n11']);

    offA();
    offA(); // a second call is harmless
    await new Promise((r) => setTimeout(r, 20));
    expect(hub.active).toBe(1);
    offB();
    await until(() => server.stats.aborted === 1, 'the watch to be aborted');
    expect(hub.active).toBe(0);
    expect(hub.stats).toEqual({ started: 1, stopped: 1 });
  });

  it('keeps the informer when a subscriber leaves and another comes in the same task (StrictMode)', async () => {
    const server = fakeServer([]);
    const hub = new WatchHub(new Client({ server: '', transport: server.transport }));
    const key = { resource: 'configmaps', namespace: 'default', labelSelector: 'app=x' };
    const off = hub.subscribe(key, () => undefined);
    off();
    const again = hub.subscribe(key, () => undefined);
    await until(() => server.stats.watches === 1, 'the watch');
    await new Promise((r) => setTimeout(r, 20));
    expect(hub.stats.started).toBe(1);
    expect(hub.active).toBe(1);
    again();
    await until(() => server.stats.aborted === 1, 'the watch to be aborted');
  });
});

const kind: KindSchema = {
  apiVersion: 'stable.example.com/v1',
  kind: 'CronTab',
  namespaced: true,
  definitions: { 'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' } },
  schema: {
    type: 'object',
    required: ['spec'],
    properties: {
      metadata: { type: 'object', properties: { name: { type: 'string' } } },
      spec: {
        type: 'object',
        required: ['image'],
        properties: {
          image: { type: 'string' },
          replicas: { type: 'integer', minimum: 1, maximum: 10 },
          policy: { type: 'string', enum: ['Allow', 'Forbid'] },
          memory: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' },
          port: { type: 'string', format: 'int-or-string' },
          env: { type: 'object', additionalProperties: { type: 'string', maxLength: 3 } },
          targets: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['url'],
              properties: { url: { type: 'string', pattern: '^https?://' } },
            },
          },
        },
      },
    },
  },
};

describe('ResourceForm checks', () => {
  it('accepts a valid object', () => {
    expect(
      validate(kind, {
        metadata: { name: 'nightly' },
        spec: {
          image: 'busybox',
          replicas: 3,
          policy: 'Allow',
          memory: '512Mi',
          port: 8080,
          targets: [{ url: 'https://x' }],
        },
      }),
    ).toEqual([]);
  });

  it('names each field with a message saying what to enter', () => {
    const errors = validate(kind, {
      metadata: { name: 'Bad_Name' },
      spec: {
        replicas: 2.5,
        policy: 'Sometimes',
        memory: '2 gigs',
        port: true,
        env: { LONGER: 'abcd' },
        targets: [{}],
      },
    });
    expect(Object.fromEntries(errors.map((e) => [e.path, e.message]))).toEqual({
      'metadata.name': expect.stringContaining('lower-case letters'),
      'spec.image': 'Required: enter image.',
      'spec.replicas': 'Enter a whole number (not 2.5).',
      'spec.policy': 'Choose one of: Allow, Forbid.',
      'spec.memory': expect.stringContaining('e.g. 500m, 2, 512Mi or 1Gi'),
      'spec.port': 'Enter a number (e.g. 8080) or a name (e.g. http).',
      'spec.env[LONGER]': 'Shorten it to at most 3 characters (now 4).',
      'spec.targets[0].url': 'Required: enter url.',
    });
    expect(validate(kind, { metadata: {}, spec: { image: 'x', replicas: 0, targets: [] } })).toEqual([
      { path: 'metadata.name', message: 'Required: enter a name, e.g. my-app.' },
      { path: 'spec.replicas', message: 'Enter at least 1 (you entered 0).' },
      { path: 'spec.targets', message: 'Add at least 1 item.' },
    ]);
    expect(validate(kind, { metadata: { name: 'x' } })).toEqual([{ path: 'spec', message: 'Required: enter spec.' }]);
  });

  it('follows references and marks quantities', () => {
    const memory = resolve(kind.schema.properties?.spec.properties?.memory, kind.definitions);
    expect(memory).toMatchObject({ type: 'string', 'x-entroos-quantity': true });
  });
});

describe('loadKindSchema', () => {
  it("finds a custom resource's schema through discovery and its group-version's OpenAPI document", async () => {
    const answers: Record<string, unknown> = {
      '/apis': { groups: [{ name: 'stable.example.com', versions: [{ version: 'v1' }] }] },
      '/api/v1': { groupVersion: 'v1', resources: [] },
      '/apis/stable.example.com/v1': {
        groupVersion: 'stable.example.com/v1',
        resources: [{ name: 'crontabs', namespaced: true, kind: 'CronTab', shortNames: ['ct'] }],
      },
      '/openapi/v3/apis/stable.example.com/v1': {
        paths: {
          '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs': {
            post: {
              'x-kubernetes-group-version-kind': { kind: 'CronTab' },
              requestBody: { content: { '*/*': { schema: { $ref: '#/components/schemas/CronTab' } } } },
            },
          },
        },
        components: { schemas: { CronTab: kind.schema } },
      },
    };
    const transport: Transport = async (req) => {
      const body = answers[new URL(req.url, 'http://x').pathname];
      return {
        status: body ? 200 : 404,
        header: (n) => (n === 'content-type' ? 'application/json' : null),
        body: (async function* () {
          yield new TextEncoder().encode(JSON.stringify(body ?? { kind: 'Status', code: 404 }));
        })(),
      };
    };
    const loaded = await loadKindSchema(new Client({ server: '', transport }), 'ct');
    expect(loaded).toMatchObject({ apiVersion: 'stable.example.com/v1', kind: 'CronTab', namespaced: true });
    expect(loaded.schema.properties?.spec.required).toEqual(['image']);
  });
});

describe('statusOf, parseQuantity, age', () => {
  it('words states as kubectl does', () => {
    expect(statusOf({ kind: 'Pod', status: { phase: 'Running', containerStatuses: [{ ready: true }] } })).toEqual({
      text: 'Running',
      tone: 'ok',
    });
    expect(
      statusOf({
        kind: 'Pod',
        status: { phase: 'Running', containerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
      }),
    ).toEqual({ text: 'CrashLoopBackOff', tone: 'error' });
    expect(
      statusOf({
        kind: 'Node',
        spec: { unschedulable: true },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      }),
    ).toEqual({ text: 'Ready,SchedulingDisabled', tone: 'warn' });
    expect(statusOf({ kind: 'Deployment', spec: { replicas: 3 }, status: { readyReplicas: 1 } })).toEqual({
      text: '1/3 ready',
      tone: 'warn',
    });
  });

  it('reads quantities and ages', () => {
    expect(parseQuantity('250m')).toBe(0.25);
    expect(parseQuantity('1Gi')).toBe(2 ** 30);
    expect(parseQuantity('2k')).toBe(2000);
    expect(parseQuantity('lots')).toBeNaN();
    const now = Date.parse('2026-01-02T00:00:00Z');
    expect(age('2026-01-01T23:59:00Z', now)).toBe('60s');
    expect(age('2026-01-01T21:00:00Z', now)).toBe('3h');
    expect(age('2025-12-29T00:00:00Z', now)).toBe('4d');
  });
});
