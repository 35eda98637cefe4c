import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNdjson } from '@/lib/apimachinery/ndjson.ts';
import { client, login } from '../helpers/api.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// The holes real clients fall into (issue #16): booleans as Go parses them (the Python client sends `watch=True`),
// watch timeouts as kube-apiserver applies them, the namespaces nobody may delete, and /openapi/v2.

interface WatchEvent {
  type: string;
  object: {
    kind?: string;
    metadata: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
  };
}

let server: TestServer;
let token = '';
let api: ReturnType<typeof client>;
const NS = '/api/v1/namespaces/default';
const PROTECTED = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { suite: 'api-holes' } },
  // No scheduler touches a pod for a scheduler that does not exist: the watch sees only our changes.
  spec: { schedulerName: 'manual', containers: [{ name: 'c', image: 'busybox:1.36' }] },
});

beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_WATCH_BOOKMARK_MS: '200' } });
  token = await login(server.url);
  api = client(server.url, token);
});
afterAll(async () => {
  await server?.stop();
});

/**
 * Opens `path` and reads events until `until` says stop, the server ends the stream, or `timeoutMs` passes.
 * `ended` tells whether the server ended it.
 */
async function watch(
  path: string,
  until: (events: WatchEvent[]) => boolean,
  timeoutMs = 5000,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string | null; events: WatchEvent[]; ended: boolean; ms: number }> {
  const started = Date.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const res = await fetch(server.url + path, {
    headers: { Authorization: `Bearer ${token}`, ...headers },
    signal: controller.signal,
  });
  const events: WatchEvent[] = [];
  let ended = false;
  try {
    if (res.status !== 200 || !res.body) {
      events.push((await res.json()) as WatchEvent);
      ended = true;
    } else {
      await readNdjson<WatchEvent>(res.body, (e) => {
        events.push(e);
        return !until(events);
      });
      ended = !controller.signal.aborted && !until(events);
    }
  } catch {
    // aborted by the timer: the stream was still open
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status: res.status, contentType: res.headers.get('content-type'), events, ended, ms: Date.now() - started };
}

async function listRv(path: string): Promise<string> {
  const res = await api.get(path);
  expect(res.status).toBe(200);
  return res.body.metadata.resourceVersion as string;
}

describe('booleans read like Go strconv.ParseBool', () => {
  it('watch=True (the Python client) streams ADDED, MODIFIED and DELETED events, not a list', async () => {
    const rv = await listRv(`${NS}/pods`);
    const watching = watch(`${NS}/pods?watch=True&resourceVersion=${rv}`, (events) =>
      events.some((e) => e.type === 'DELETED'),
    );
    expect((await api.post(`${NS}/pods`, pod('py-style'))).status).toBe(201);
    const patched = await fetch(`${server.url}${NS}/pods/py-style`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { labels: { step: 'two' } } }),
    });
    expect(patched.status).toBe(200);
    expect((await api.delete(`${NS}/pods/py-style?gracePeriodSeconds=0`)).status).toBe(200);
    const result = await watching;
    expect(result.status).toBe(200);
    const types = result.events.filter((e) => e.object.metadata.name === 'py-style').map((e) => e.type);
    expect(types[0]).toBe('ADDED');
    expect(types).toContain('MODIFIED');
    expect(types.at(-1)).toBe('DELETED');
  });

  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('watch=%s is a watch', async (value) => {
    const result = await watch(`/api/v1/namespaces?watch=${value}`, (events) => events.length >= 4);
    expect(result.status).toBe(200);
    expect(result.events.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'ADDED', 'ADDED']);
  });

  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('watch=%s is a list', async (value) => {
    const res = await api.get(`/api/v1/namespaces?watch=${value}`);
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe('NamespaceList');
  });

  it('allowWatchBookmarks=True gets bookmarks', async () => {
    const result = await watch(`${NS}/configmaps?watch=True&allowWatchBookmarks=True&resourceVersion=1`, (events) =>
      events.some((e) => e.type === 'BOOKMARK'),
    );
    expect(result.status).toBe(200);
    const bookmark = result.events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object.kind).toBe('ConfigMap');
    expect(Number(bookmark?.object.metadata.resourceVersion)).toBeGreaterThan(0);
  });

  it('sendInitialEvents=true ends the current state with the initial-events-end bookmark', async () => {
    const result = await watch(
      '/api/v1/namespaces?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true',
      (events) => events.some((e) => e.type === 'BOOKMARK'),
    );
    expect(result.events.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'ADDED', 'ADDED', 'BOOKMARK']);
    expect(result.events[4].object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    const unpaired = await api.get('/api/v1/namespaces?watch=1&sendInitialEvents=true');
    expect(unpaired.status).toBe(422);
    expect(unpaired.body.details.causes[0].field).toBe('resourceVersionMatch');
  });

  it.each([
    ['watch', `${NS}/pods?watch=yes`],
    ['watch', `${NS}/pods/none?watch=on`],
    ['allowWatchBookmarks', `${NS}/pods?watch=true&allowWatchBookmarks=yes`],
    ['allowWatchBookmarks', `${NS}/pods?allowWatchBookmarks=2`],
    ['sendInitialEvents', `${NS}/pods?watch=true&sendInitialEvents=nope`],
  ])('a malformed %s is 400 naming the parameter and value (%s)', async (name, path) => {
    const res = await api.get(path);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(res.body.message).toContain(`"${name}"`);
    expect(res.body.message).toContain(`"${new URL(`http://x${path}`).searchParams.get(name)}"`);
  });

  it('checks the log booleans (follow, previous, timestamps, insecureSkipTLSVerifyBackend) and orphanDependents', async () => {
    expect((await api.post(`${NS}/pods`, pod('logs'))).status).toBe(201);
    for (const name of ['follow', 'previous', 'timestamps', 'insecureSkipTLSVerifyBackend']) {
      const res = await api.get(`${NS}/pods/logs/log?${name}=yes`);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(`"${name}"`);
    }
    // Well-formed: the log is refused for the reason that matters (the pod is not running anywhere).
    const fine = await api.get(`${NS}/pods/logs/log?follow=True&timestamps=1`);
    expect(fine.status).toBe(400);
    expect(fine.body.message).toContain('waiting to start');
    const bad = await api.delete(`${NS}/pods/logs?orphanDependents=perhaps`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('"orphanDependents"');
    expect((await api.delete(`${NS}/pods/logs?gracePeriodSeconds=0&orphanDependents=False`)).status).toBe(200);
  });

  it('a malformed boolean from an unauthenticated client is still 401', async () => {
    const res = await client(server.url).get(`${NS}/pods?watch=yes`);
    expect(res.status).toBe(401);
  });
});

describe('watch timeouts', () => {
  it('timeout=1s (kubectl --request-timeout) does not end a watch: the client enforces it', async () => {
    const result = await watch(`${NS}/pods?watch=true&timeout=1s`, () => false, 2500);
    expect(result.status).toBe(200);
    expect(result.ended).toBe(false);
    expect(result.ms).toBeGreaterThanOrEqual(2400);
  });

  it('timeoutSeconds=1 ends it after a second', async () => {
    const result = await watch(`${NS}/pods?watch=true&timeoutSeconds=1`, () => false, 5000);
    expect(result.status).toBe(200);
    expect(result.ended).toBe(true);
    expect(result.ms).toBeGreaterThanOrEqual(900);
    expect(result.ms).toBeLessThan(3000);
  });

  it('timeoutSeconds must be a non-negative integer', async () => {
    for (const value of ['-1', '1.5', 'soon']) {
      const res = await api.get(`${NS}/pods?watch=true&timeoutSeconds=${value}`);
      expect(res.status).toBe(400);
    }
  });
});

describe('protected namespaces', () => {
  it.each(PROTECTED)('deleting %s is 403 with kube-apiserver’s message, and it stays', async (name) => {
    const res = await api.delete(`/api/v1/namespaces/${name}`);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
      message: `namespaces "${name}" is forbidden: this namespace may not be deleted`,
      details: { name, kind: 'namespaces' },
    });
    const after = await api.get(`/api/v1/namespaces/${name}`);
    expect(after.status).toBe(200);
    expect(after.body.metadata.deletionTimestamp).toBeUndefined();
    expect(after.body.status.phase).toBe('Active');
  });

  it('a dry-run delete (query or body) changes nothing', async () => {
    expect((await api.post('/api/v1/namespaces', { metadata: { name: 'dry' } })).status).toBe(201);
    const byQuery = await api.delete('/api/v1/namespaces/dry?dryRun=All');
    expect(byQuery.status).toBe(202);
    expect(byQuery.body.status.phase).toBe('Terminating');
    const res = await fetch(`${server.url}/api/v1/namespaces/dry`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] }),
    });
    expect(res.status).toBe(202);
    expect((await api.get('/api/v1/namespaces/dry')).body.status.phase).toBe('Active');
    expect((await api.delete('/api/v1/namespaces/dry?dryRun=Some')).status).toBe(400);
    expect((await api.delete(`${NS}/pods/none?dryRun=All`)).status).toBe(404);
  });

  it('a deletecollection of namespaces deletes the others and answers 403 for the protected ones', async () => {
    for (const name of ['doomed-a', 'doomed-b'])
      expect((await api.post('/api/v1/namespaces', { metadata: { name } })).status).toBe(201);
    const res = await api.delete('/api/v1/namespaces');
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/is forbidden: this namespace may not be deleted/);
    const list = await api.get('/api/v1/namespaces');
    const phases = Object.fromEntries(
      (list.body.items as { metadata: { name: string }; status: { phase: string } }[]).map((n) => [
        n.metadata.name,
        n.status.phase,
      ]),
    );
    for (const name of PROTECTED) expect(phases[name]).toBe('Active');
    for (const name of ['doomed-a', 'doomed-b']) expect(phases[name] ?? 'gone').not.toBe('Active');
  });
});

describe('/openapi/v2', () => {
  it('serves Swagger 2.0 JSON with definitions and paths built from the v3 documents', async () => {
    const res = await api.get('/openapi/v2');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const doc = res.body;
    expect(doc.swagger).toBe('2.0');
    const podDef = doc.definitions['io.k8s.api.core.v1.Pod'];
    expect(podDef['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Pod', version: 'v1' }]);
    expect(podDef.properties.spec.$ref).toBe('#/definitions/io.k8s.api.core.v1.PodSpec');
    expect(doc.definitions['io.k8s.api.apps.v1.Deployment']).toBeDefined();
    // Every reference resolves (kubectl refuses the whole document otherwise), and no v3-only keyword is left.
    const text = JSON.stringify(doc);
    expect(text).not.toContain('#/components/schemas/');
    for (const [, name] of text.matchAll(/"#\/definitions\/([^"]+)"/g)) expect(doc.definitions[name]).toBeDefined();
    const v3Only: string[] = [];
    const walk = (schema: Record<string, unknown>, at: string) => {
      for (const key of ['nullable', 'oneOf', 'anyOf', 'not', 'allOf']) if (key in schema) v3Only.push(`${at}: ${key}`);
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [name, sub] of Object.entries(properties)) walk(sub, `${at}.${name}`);
      if (typeof schema.items === 'object' && schema.items) walk(schema.items as Record<string, unknown>, `${at}[]`);
    };
    for (const [name, schema] of Object.entries(doc.definitions as Record<string, Record<string, unknown>>))
      walk(schema, name);
    expect(v3Only).toEqual([]);
    expect(text).not.toContain('"requestBody"');
    const pods = doc.paths['/api/v1/namespaces/{namespace}/pods'];
    expect(pods.get['x-kubernetes-action']).toBe('list');
    expect(pods.post['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'Pod' });
    const params = (pods.post.parameters as { name: string; in: string }[]).map((p) => `${p.in}:${p.name}`);
    expect(params).toEqual(
      expect.arrayContaining(['body:body', 'query:fieldValidation', 'query:dryRun', 'query:fieldManager']),
    );
    expect(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch).toBeDefined();
  });

  it('answers kubectl’s protobuf Accept with gnostic protobuf, and honours If-None-Match', async () => {
    const res = await fetch(`${server.url}/openapi/v2`, {
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    // Field 1 (swagger), length 3, "2.0".
    expect([...bytes.slice(0, 5)]).toEqual([0x0a, 3, 0x32, 0x2e, 0x30]);
    expect(Buffer.from(bytes).includes(Buffer.from('io.k8s.api.core.v1.Pod'))).toBe(true);
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(`${server.url}/openapi/v2`, {
      headers: { Authorization: `Bearer ${token}`, 'If-None-Match': etag ?? '' },
    });
    expect(again.status).toBe(304);
    const unacceptable = await fetch(`${server.url}/openapi/v2`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'text/html' },
    });
    expect(unacceptable.status).toBe(406);
    expect((await fetch(`${server.url}/openapi/v2`)).status).toBe(401);
  });
});
