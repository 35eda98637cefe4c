import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, type TestServer } from '../helpers/server.ts';
import { client, login, userWithToken } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';
import type { Conversion, Workflow } from '@/lib/apps/convert/types.ts';

// The file conversion app through the real server: a tus upload, a conversion run as a Job by the in-process
// nodes' engine, the download, its verification (signature, output digest, placement proof), a tampered output
// detected, a corrupt input failing its conversion with the reason, an unsupported pair refused, the bounded
// queue's 429, a workflow, and a conversion in flight finishing after a restart.

const NS = 'default';
const BASE = `/apis/convert.entroos.io/v1/namespaces/${NS}`;
/** Where a conversion's verification is served (an EntroOS route beside the Kubernetes API). */
const VERIFY = `/apis/entroos.io/v1/namespaces/${NS}/conversions`;
const ENV = {
  ENTROOS_NODES: '2',
  ENTROOS_PROVERS: '1',
  ENTROOS_PROOF_BATCH_MS: '100',
  ENTROOS_CONVERT_QUEUE_LIMIT: '3',
  ENTROOS_CONVERT_QUOTA_MB: '64',
};

let dataDir: string;
let server: TestServer;
let token: string;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'entroos-convert-'));
  server = await startServer({ dataDir, env: ENV });
  token = await login(server.url);
  api = client(server.url, token);
  await until(async () => (await api.get(`/apis/convert.entroos.io/v1`)).status === 200, 'the convert API');
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Uploads with tus in chunks (creation, then PATCH at each offset); answers the digest. */
async function upload(content: Buffer, filename: string, chunk = 64 * 1024, as = token): Promise<string> {
  const auth = { Authorization: `Bearer ${as}`, 'Tus-Resumable': '1.0.0' };
  const metadata = `filename ${Buffer.from(filename).toString('base64')}`;
  const created = await fetch(`${server.url}/apis/entroos.io/v1/files/uploads`, {
    method: 'POST',
    headers: { ...auth, 'Upload-Length': String(content.length), 'Upload-Metadata': metadata },
  });
  expect(created.status).toBe(201);
  const location = new URL(created.headers.get('location')!, server.url).toString();
  let digest: string | null = null;
  for (let offset = 0; offset < content.length; offset += chunk) {
    // Resuming as a client would: ask where the upload stands first.
    const head = await fetch(location, { method: 'HEAD', headers: auth });
    expect(Number(head.headers.get('upload-offset'))).toBe(offset);
    const res = await fetch(location, {
      method: 'PATCH',
      headers: { ...auth, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
      body: new Uint8Array(content.subarray(offset, offset + chunk)),
    });
    expect(res.status).toBe(204);
    digest = res.headers.get('upload-digest');
  }
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  return digest!;
}

async function convert(name: string, input: { digest: string; filename: string }, target: string, options = {}) {
  const res = await api.post(`${BASE}/conversions`, { metadata: { name }, spec: { input, target, options } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

const finished = async (name: string, timeoutMs = 30_000, ns = NS): Promise<Conversion> =>
  (await until(
    async () => {
      const c = (await api.get<Conversion>(`/apis/convert.entroos.io/v1/namespaces/${ns}/conversions/${name}`)).body;
      return c.status?.phase === 'Succeeded' || c.status?.phase === 'Failed' ? c : undefined;
    },
    `conversion ${name} to finish`,
    timeoutMs,
  )) as Conversion;

const photo = () =>
  sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 30, g: 120, b: 200 } } })
    .withExif({ IFD0: { Copyright: 'owner' } })
    .jpeg()
    .toBuffer();

describe('file conversion', () => {
  let jpeg: Buffer;
  let input: { digest: string; filename: string };

  it('uploads with tus, converts as a Job on a node, and serves the output with its content type', async () => {
    jpeg = await photo();
    input = { digest: await upload(jpeg, 'photo.jpg', 16 * 1024), filename: 'photo.jpg' };
    const download = await fetch(`${server.url}/apis/entroos.io/v1/files/${input.digest}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await download.arrayBuffer()).equals(jpeg)).toBe(true);

    await convert('photo-webp', input, 'webp', { width: 400 });
    const done = await finished('photo-webp');
    expect(done.status).toMatchObject({ phase: 'Succeeded', engine: 'image', progress: 100 });
    expect(done.status?.node).toMatch(/^entroos-node-/);
    expect(done.status?.queueSeconds).toBeGreaterThanOrEqual(0);
    expect(done.status?.runSeconds).toBeGreaterThanOrEqual(0);
    const job = await api.get(`/apis/batch/v1/namespaces/${NS}/jobs/${done.status?.job}`);
    expect(job.body.spec.template.spec.containers[0]).toMatchObject({
      image: 'entroos/convert-image',
      resources: { requests: { cpu: '500m' } },
    });
    // Steered to nodes that run the engines: the in-process nodes say so with a label.
    expect(job.body.spec.template.spec.nodeSelector).toEqual({ 'executor.entroos.io/convert': 'true' });
    const node = await api.get(`/api/v1/nodes/${done.status?.node}`);
    expect(node.body.metadata.labels['executor.entroos.io/convert']).toBe('true');

    const out = await fetch(`${server.url}/apis/entroos.io/v1/files/${done.status?.output?.digest}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(out.status).toBe(200);
    expect(out.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await out.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.exif]).toEqual(['webp', 400, undefined]);
    // The pod's log is the engine's.
    const pods = await api.get(`/api/v1/namespaces/${NS}/pods?labelSelector=convert.entroos.io/conversion=photo-webp`);
    const log = await api.get(`/api/v1/namespaces/${NS}/pods/${pods.body.items[0].metadata.name}/log`);
    expect(log.text).toMatch(/converting photo\.jpg \(\d+ bytes, sha256:[0-9a-f]+\) to webp/);
  }, 60_000);

  it('verifies the output: the signed statement, its digest, and the pod’s placement proof; offline too', async () => {
    const verification = await until(
      async () => {
        const v = (await api.get(`${VERIFY}/photo-webp/verify`)).body;
        return v.placementProof?.status === 'valid' ? v : undefined;
      },
      'the placement proof of the conversion pod',
      30_000,
    );
    expect(verification.valid).toBe(true);
    expect(verification.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ['stored output', true],
      ['signature', true],
      ['statement', true],
      ['output', true],
      ['input', true],
    ]);
    expect(verification.statement.predicate).toMatchObject({
      input: { name: 'photo.jpg', digest: { sha256: input.digest.slice(7) } },
      engine: { name: 'image' },
      options: { width: 400 },
      target: 'webp',
    });
    // Offline: the bundle and the downloaded file, with nothing but the bundle's key and proof.
    const conversion = (await api.get<Conversion>(`${BASE}/conversions/photo-webp`)).body;
    const out = await fetch(`${server.url}/apis/entroos.io/v1/files/${conversion.status?.output?.digest}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const dir = mkdtempSync(join(tmpdir(), 'entroos-verify-'));
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(verification));
    writeFileSync(join(dir, 'photo.webp'), Buffer.from(await out.arrayBuffer()));
    const cli = (file: string) =>
      spawnSync(process.execPath, ['bin/entroos-verify.mjs', join(dir, 'bundle.json'), '--file', file], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    const good = cli(join(dir, 'photo.webp'));
    expect(good.status, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toMatch(/ok {6}placement proof: the pod’s placement proof verifies/);
    expect(good.stdout).toMatch(/valid: the output is the attested conversion of sha256:/);
    writeFileSync(join(dir, 'other.webp'), Buffer.from('not the output'));
    const bad = cli(join(dir, 'other.webp'));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/INVALID output: the file's digest is sha256:[0-9a-f]+, the attested output sha256:/);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('detects an output changed in the store after it was attested', async () => {
    const conversion = (await api.get<Conversion>(`${BASE}/conversions/photo-webp`)).body;
    const path = join(dataDir, 'convert', 'blobs', conversion.status!.output!.digest.slice(7));
    const original = readFileSync(path);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 1] ^= 0xff;
    writeFileSync(path, tampered);
    const verification = (await api.get(`${VERIFY}/photo-webp/verify`)).body;
    expect(verification.valid).toBe(false);
    const stored = verification.checks.find((c: { name: string }) => c.name === 'stored output');
    expect(stored.ok).toBe(false);
    expect(stored.detail).toMatch(/it was changed after the conversion/);
    writeFileSync(path, original);
    expect((await api.get(`${VERIFY}/photo-webp/verify`)).body.valid).toBe(true);
  });

  it('refuses an upload longer than the free quota, and one that does not say its length', async () => {
    const headers = { Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0' };
    const url = `${server.url}/apis/entroos.io/v1/files/uploads`;
    const big = await fetch(url, { method: 'POST', headers: { ...headers, 'Upload-Length': String(65 * 2 ** 20) } });
    expect(big.status).toBe(413);
    const deferred = await fetch(url, { method: 'POST', headers: { ...headers, 'Upload-Defer-Length': '1' } });
    expect(deferred.status).toBe(400);
    expect(await deferred.text()).toMatch(/Upload-Length is required/);
  });

  it('fails a conversion of a corrupt image with the reason, and refuses an unsupported pair with a 422', async () => {
    const broken = { digest: await upload(jpeg.subarray(0, 300), 'broken.jpg'), filename: 'broken.jpg' };
    await convert('broken', broken, 'png');
    const failed = await finished('broken');
    expect(failed.status?.phase).toBe('Failed');
    expect(failed.status?.error?.reason).toBe('CorruptInput');
    expect(failed.status?.error?.message).toMatch(/^the jpeg image cannot be decoded/);
    // A JPEG named .png fails by its content.
    await convert('misnamed', { digest: input.digest, filename: 'photo.png' }, 'webp');
    expect((await finished('misnamed')).status?.error).toEqual({
      reason: 'TypeMismatch',
      message: 'the file is a jpeg file, not png as its name says',
    });

    const refused = await api.post(`${BASE}/conversions`, {
      metadata: { name: 'pdf-to-jpeg' },
      spec: { input: { digest: input.digest, filename: 'a.pdf' }, target: 'jpeg' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/spec.target: Invalid value: "jpeg": converting pdf to jpeg is not supported/);
  }, 60_000);

  it('answers 429 with Retry-After when a user’s queue is full, in whichever namespace; another user has their own', async () => {
    const md = { digest: await upload(Buffer.from('# Report\n\nQueued.\n'), 'report.md'), filename: 'report.md' };
    const [ns, other] = ['queue-test', 'queue-test-2'];
    for (const name of [ns, other]) await api.post('/api/v1/namespaces', { metadata: { name } });
    const base = (n: string) => `/apis/convert.entroos.io/v1/namespaces/${n}/conversions`;
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(
        await api.post(base(i === 1 ? other : ns), { metadata: { name: `q${i}` }, spec: { input: md, target: 'pdf' } }),
      );
    expect(results.slice(0, 3).map((r) => r.status)).toEqual([201, 201, 201]);
    // Admission recorded who asked.
    expect(results[0].body.metadata.annotations).toEqual({ 'convert.entroos.io/requested-by': 'admin' });
    expect(results[3].status).toBe(429);
    expect(results[3].headers.get('retry-after')).toBe('5');
    expect(results[3].body).toMatchObject({ kind: 'Status', reason: 'TooManyRequests' });
    expect(results[3].body.message).toMatch(/the conversion queue of user "admin" is full \(3 of 3 unfinished\)/);

    // Another user's queue is theirs; they cannot pass as someone else, and use the file because a conversion of
    // the namespace names it.
    const olga = await userWithToken(server.url, token, 'olga', 'operator');
    const asOlga = client(server.url, olga.token);
    const forged = await asOlga.post(base(ns), {
      metadata: { name: 'forged', annotations: { 'convert.entroos.io/requested-by': 'someone-else' } },
      spec: { input: md, target: 'html' },
    });
    expect(forged.status).toBe(422);
    expect(forged.body.message).toMatch(
      /metadata.annotations\[convert.entroos.io\/requested-by\]: Invalid value: "someone-else": set by the server to the user who creates the object \(olga\)/,
    );
    const hers = await asOlga.post(base(ns), { metadata: { name: 'olga-1' }, spec: { input: md, target: 'html' } });
    expect(hers.status, hers.text).toBe(201);
    expect(hers.body.metadata.annotations['convert.entroos.io/requested-by']).toBe('olga');
    // …and cannot take it over afterwards.
    const q0 = (await asOlga.get(`${base(ns)}/q0`)).body;
    q0.metadata.annotations['convert.entroos.io/requested-by'] = 'olga';
    const takeover = await asOlga.put(`${base(ns)}/q0`, q0);
    expect(takeover.status).toBe(422);
    expect(takeover.body.message).toMatch(/it cannot be changed/);

    // Once they finish there is room again.
    for (let i = 0; i < 3; i++)
      expect((await finished(`q${i}`, 60_000, i === 1 ? other : ns)).status?.phase).toBe('Succeeded');
    expect((await api.post(base(ns), { metadata: { name: 'q3' }, spec: { input: md, target: 'html' } })).status).toBe(
      201,
    );
  }, 120_000);

  it('ties an upload to its user: others cannot resume, read or delete it, nor convert the file elsewhere', async () => {
    const olga = (await userWithToken(server.url, token, 'olga2', 'operator')).token;
    const tus = (as: string) => ({ Authorization: `Bearer ${as}`, 'Tus-Resumable': '1.0.0' });
    const created = await fetch(`${server.url}/apis/entroos.io/v1/files/uploads`, {
      method: 'POST',
      headers: {
        ...tus(token),
        'Upload-Length': '10',
        // A client naming an owner is overruled.
        'Upload-Metadata': `filename ${Buffer.from('mine.md').toString('base64')},owner ${Buffer.from('olga2').toString('base64')}`,
      },
    });
    expect(created.status).toBe(201);
    const location = new URL(created.headers.get('location')!, server.url).toString();
    for (const method of ['HEAD', 'PATCH', 'DELETE']) {
      const res = await fetch(location, {
        method,
        headers: { ...tus(olga), 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
        ...(method === 'PATCH' ? { body: '# hijacked' } : {}),
      });
      expect(res.status, method).toBe(403);
      if (method !== 'HEAD')
        expect(await res.text()).toMatch(/was started by another user; only they may resume or delete it/);
    }
    expect((await fetch(location, { method: 'HEAD', headers: tus(token) })).headers.get('upload-offset')).toBe('0');

    // A finished upload is the uploader's: another user may convert it only where the namespace already uses it.
    const digest = await upload(Buffer.from('# Only mine\n'), 'private.md');
    await api.post('/api/v1/namespaces', { metadata: { name: 'olga2-ns' } });
    const refused = await client(server.url, olga).post('/apis/convert.entroos.io/v1/namespaces/olga2-ns/conversions', {
      metadata: { name: 'steal' },
      spec: { input: { digest, filename: 'private.md' }, target: 'html' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(
      /file "sha256:[0-9a-f]+" is not olga2's: it was uploaded by another user and no conversion or workflow in namespace "olga2-ns" uses it/,
    );
    const missing = await api.post(`${BASE}/conversions`, {
      metadata: { name: 'missing' },
      spec: { input: { digest: `sha256:${'0'.repeat(64)}`, filename: 'a.md' }, target: 'html' },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toMatch(/spec.input.digest: Invalid value: "sha256:0+": no such file in the store/);

    // Downloads follow the same rule: to olga the file does not exist until a namespace she may read uses it.
    const download = (d: string, as: string) =>
      fetch(`${server.url}/apis/entroos.io/v1/files/${d}`, { headers: { Authorization: `Bearer ${as}` } });
    const notHers = await download(digest, olga);
    expect(notHers.status).toBe(404);
    const hiddenMessage = (await notHers.json()).message;
    expect(hiddenMessage).toMatch(
      /^file "sha256:[0-9a-f]+" not found: there is no such file, or it is not shared with you \(its uploaders may read it, and so may whoever may get files.convert.entroos.io in a namespace whose conversions or workflows name it\)$/,
    );
    // …the same answer as for a file nobody stored.
    const nobody = await download(`sha256:${'0'.repeat(64)}`, olga);
    expect(nobody.status).toBe(404);
    expect((await nobody.json()).message.replace(/sha256:[0-9a-f]+/, 'D')).toBe(
      hiddenMessage.replace(/sha256:[0-9a-f]+/, 'D'),
    );
    expect(await (await download(digest, token)).text()).toBe('# Only mine\n');
    await convert('shares-private', { digest, filename: 'private.md' }, 'html');
    const shared = await download(digest, olga);
    expect(shared.status).toBe(200);
    expect(await shared.text()).toBe('# Only mine\n');

    // Someone who may read files only in `default` (a RoleBinding there) reads what `default` names, nothing else.
    const binding = await api.post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings`, {
      metadata: { name: 'ns-reader-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'ns-reader' }],
    });
    expect(binding.status, binding.text).toBe(201);
    const elsewhere = await upload(Buffer.from('# Elsewhere\n'), 'elsewhere.md');
    const other = await api.post('/apis/convert.entroos.io/v1/namespaces/olga2-ns/conversions', {
      metadata: { name: 'elsewhere' },
      spec: { input: { digest: elsewhere, filename: 'elsewhere.md' }, target: 'html' },
    });
    expect(other.status, other.text).toBe(201);
    const asReader = (d: string) =>
      fetch(`${server.url}/apis/entroos.io/v1/files/${d}`, {
        headers: { Authorization: `Bearer ${token}`, 'Impersonate-User': 'ns-reader' },
      });
    expect((await asReader(digest)).status).toBe(200);
    expect((await asReader(elsewhere)).status).toBe(404);
  }, 60_000);

  it('runs a workflow: a fan-out of resizes after a metadata strip', async () => {
    const res = await api.post(`${BASE}/workflows`, {
      metadata: { name: 'thumbs' },
      spec: {
        input,
        steps: [
          { name: 'strip', target: 'png' },
          { name: 'small', from: 'strip', target: 'webp', options: { width: 100 } },
          { name: 'large', from: 'strip', target: 'webp', options: { width: 600 } },
        ],
      },
    });
    expect(res.status).toBe(201);
    const done = (await until(
      async () => {
        const w = (await api.get<Workflow>(`${BASE}/workflows/thumbs`)).body;
        return w.status?.phase === 'Succeeded' || w.status?.phase === 'Failed' ? w : undefined;
      },
      'the workflow',
      60_000,
    )) as Workflow;
    expect(done.status?.steps?.map((s) => [s.name, s.phase, s.output?.filename])).toEqual([
      ['strip', 'Succeeded', 'photo-strip.png'],
      ['small', 'Succeeded', 'photo-strip-small.webp'],
      ['large', 'Succeeded', 'photo-strip-large.webp'],
    ]);
    // The steps are queued for whoever created the workflow.
    const step = (await api.get<Conversion>(`${BASE}/conversions/thumbs-strip`)).body;
    expect(step.metadata.annotations).toMatchObject({ 'convert.entroos.io/requested-by': 'admin' });
    const bad = await api.post(`${BASE}/workflows`, {
      metadata: { name: 'bad' },
      spec: { input, steps: [{ name: 'a', target: 'pdf' }] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toMatch(/converting jpeg to pdf is not supported/);
  }, 90_000);

  it('finishes a conversion that was in flight when the server restarted', async () => {
    const md = { digest: await upload(Buffer.from('# After restart\n'), 'restart.md'), filename: 'restart.md' };
    await convert('in-flight', md, 'pdf');
    await until(
      async () => (await api.get<Conversion>(`${BASE}/conversions/in-flight`)).body.status?.phase === 'Running',
      'the conversion to start',
      30_000,
    );
    await server.stop();
    server = await startServer({ dataDir, env: ENV });
    token = await login(server.url);
    api = client(server.url, token);
    const done = await finished('in-flight', 60_000);
    expect(done.status?.phase).toBe('Succeeded');
    expect(done.status?.output?.contentType).toBe('application/pdf');
  }, 120_000);
});
