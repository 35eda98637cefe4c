import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';
import type { Conversion } from '@/lib/apps/convert/types.ts';

// Conversions on a standalone agent started with `nko --exec convert` (a real agent process joined over HTTP, no
// in-process nodes, no shared disk): the agent fetches the input through the API, runs the engine on its machine,
// uploads the output with tus and reports it; the server signs the attestation naming the agent's node, and the
// output verifies. A corrupt input fails with the engine's reason; the agent's scratch directory is left empty.

const NS = 'default';
const BASE = `/apis/convert.entroos.io/v1/namespaces/${NS}`;

let server: TestServer;
let token: string;
let api: ReturnType<typeof client>;
let agent: ChildProcess;
let agentOutput = '';
const AGENT_NODE = 'converter-1';
const workDir = mkdtempSync(join(tmpdir(), 'nko-convert-work-'));

beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_NODES: '0' } });
  token = await login(server.url);
  api = client(server.url, token);
  await until(async () => (await api.get(`/apis/convert.entroos.io/v1`)).status === 200, 'the convert API');
  agent = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/nko.mjs'),
      ...['--server', server.url, '--token', token, '--nodes', '1', '--profile', 'large', '--prefix', 'converter'],
      ...['--exec', 'convert', '--work-dir', workDir],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  agent.stdout!.on('data', (d) => (agentOutput += d));
  agent.stderr!.on('data', (d) => (agentOutput += d));
  await until(
    async () => {
      const node = (await api.get(`/api/v1/nodes/${AGENT_NODE}`)).body;
      return (
        node?.metadata?.labels?.['executor.entroos.io/convert'] === 'true' &&
        node.status?.conditions?.find((c: { type: string }) => c.type === 'Ready')?.status === 'True'
      );
    },
    'the convert agent to join',
    30_000,
  );
}, 60_000);

afterAll(async () => {
  agent?.kill('SIGKILL');
  await server?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

async function upload(content: Buffer, filename: string): Promise<string> {
  const auth = { Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0' };
  const created = await fetch(`${server.url}/apis/entroos.io/v1/files/uploads`, {
    method: 'POST',
    headers: {
      ...auth,
      'Upload-Length': String(content.length),
      'Upload-Metadata': `filename ${Buffer.from(filename).toString('base64')}`,
    },
  });
  expect(created.status).toBe(201);
  const res = await fetch(new URL(created.headers.get('location')!, server.url), {
    method: 'PATCH',
    headers: { ...auth, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
    body: new Uint8Array(content),
  });
  expect(res.status).toBe(204);
  return res.headers.get('upload-digest')!;
}

const finished = async (name: string): Promise<Conversion> =>
  (await until(
    async () => {
      const c = (await api.get<Conversion>(`${BASE}/conversions/${name}`)).body;
      return c.status?.phase === 'Succeeded' || c.status?.phase === 'Failed' ? c : undefined;
    },
    `conversion ${name} to finish (agent: ${agentOutput.slice(-2000)})`,
    60_000,
  )) as Conversion;

describe('conversions on an agent started with --exec convert', () => {
  it('converts on the agent through the API, and the output verifies with the agent’s node attested', async () => {
    const jpeg = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#2266aa' } })
      .withExif({ IFD0: { Copyright: 'owner' } })
      .jpeg()
      .toBuffer();
    const input = { digest: await upload(jpeg, 'photo.jpg'), filename: 'photo.jpg' };
    const res = await api.post(`${BASE}/conversions`, {
      metadata: { name: 'on-agent' },
      spec: { input, target: 'webp', options: { width: 300 } },
    });
    expect(res.status, res.text).toBe(201);
    const done = await finished('on-agent');
    expect(done.status).toMatchObject({ phase: 'Succeeded', engine: 'image', node: AGENT_NODE, progress: 100 });
    expect(done.status?.output).toMatchObject({ contentType: 'image/webp', filename: 'photo.webp' });

    const out = await fetch(`${server.url}/apis/entroos.io/v1/files/${done.status?.output?.digest}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(out.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await out.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.exif]).toEqual(['webp', 300, undefined]);

    const verify = await api.get(`/apis/entroos.io/v1/namespaces/${NS}/conversions/on-agent/verify`);
    expect(verify.status).toBe(200);
    expect(verify.body.valid).toBe(true);
    expect(verify.body.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
    const statement = JSON.parse(Buffer.from(done.status!.attestation!.envelope.payload, 'base64').toString());
    expect(statement.predicate).toMatchObject({ node: AGENT_NODE, target: 'webp', input: { name: 'photo.jpg' } });

    const pods = await api.get(`/api/v1/namespaces/${NS}/pods?labelSelector=convert.entroos.io/conversion=on-agent`);
    const log = await api.get(`/api/v1/namespaces/${NS}/pods/${pods.body.items[0].metadata.name}/log`);
    expect(log.text).toMatch(/converting photo\.jpg \(\d+ bytes, sha256:[0-9a-f]+\) to webp on converter-1/);
    expect(log.text).toMatch(/wrote photo\.webp \(sha256:[0-9a-f]+\) with sharp/);
  }, 90_000);

  it('prints Markdown to PDF with the document engine on the agent', async () => {
    const input = {
      digest: await upload(Buffer.from('# On the agent\n\nPrinted there.\n'), 'notes.md'),
      filename: 'notes.md',
    };
    const res = await api.post(`${BASE}/conversions`, {
      metadata: { name: 'md-on-agent' },
      spec: { input, target: 'pdf' },
    });
    expect(res.status, res.text).toBe(201);
    const done = await finished('md-on-agent');
    expect(done.status).toMatchObject({ phase: 'Succeeded', engine: 'document', node: AGENT_NODE });
    const out = await fetch(`${server.url}/apis/entroos.io/v1/files/${done.status?.output?.digest}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(out.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await out.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  }, 90_000);

  it('fails a corrupt input on the agent with the engine’s reason, and leaves nothing in its scratch directory', async () => {
    const input = {
      digest: await upload(Buffer.from('\xff\xd8\xff\xe0 not really a jpeg', 'latin1'), 'bad.jpg'),
      filename: 'bad.jpg',
    };
    expect(
      (await api.post(`${BASE}/conversions`, { metadata: { name: 'bad-on-agent' }, spec: { input, target: 'png' } }))
        .status,
    ).toBe(201);
    const failed = await finished('bad-on-agent');
    expect(failed.status?.phase).toBe('Failed');
    expect(failed.status?.node).toBe(AGENT_NODE);
    expect(failed.status?.error?.reason).toBe('CorruptInput');
    expect(failed.status?.error?.message).toMatch(/^the jpeg image cannot be decoded/);
    expect(readdirSync(join(workDir, 'convert'))).toEqual([]);
  }, 90_000);
});
