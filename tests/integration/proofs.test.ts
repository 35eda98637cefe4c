import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as snarkjs from 'snarkjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifacts } from '@/lib/proofs/artifacts.ts';
import { placementWitness } from '@/lib/proofs/placement.ts';
import { ROOT, startServer, type TestServer } from '../helpers/server.ts';
import { client, login, userWithToken } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';

const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';
const PROOFS = '/apis/entroos.io/v1/proofs';

describe('placement proofs', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startServer({ env: { ENTROOS_NODES: '2', ENTROOS_PROVERS: '1', ENTROOS_PROOF_BATCH_MS: '100' } });
    token = await login(server.url);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('proves every binding, serves proofs without their openings, and verifies them on the server and offline', async () => {
    const api = client(server.url, token);
    const created = await api.post(DEPLOYMENTS, {
      metadata: { name: 'proved' },
      spec: {
        replicas: 5,
        selector: { matchLabels: { app: 'proved' } },
        template: {
          metadata: { labels: { app: 'proved' } },
          spec: {
            containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
          },
        },
      },
    });
    expect(created.status).toBe(201);
    const list = await until(
      async () => {
        const res = await api.get(`${PROOFS}?namespace=default`);
        return res.body.items?.length === 5 ? res.body : undefined;
      },
      'a proof for each of the 5 bindings',
      60_000,
    );
    const pods = (await api.get('/api/v1/namespaces/default/pods')).body.items;
    for (const item of list.items) {
      const pod = pods.find((p: any) => p.metadata.name === item.name);
      expect(item.node).toBe(pod.spec.nodeName);
      expect(item.podUid).toBe(pod.metadata.uid);
    }
    const one = await api.get(`${PROOFS}/${list.items[0].batch.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ kind: 'PlacementProof', status: 'proved', proof: { protocol: 'groth16' } });
    expect(one.text).not.toMatch(/"salt"|"cpu"|"memory"/);
    // New placements are proved with version 2 of the circuits, and say so.
    expect(one.body.circuit).toMatch(/^placement(_batch)?_v2$/);

    const ids = [...new Set(list.items.map((i: any) => i.batch.id))];
    const verified = await api.post(`${PROOFS}/verify`, { ids });
    expect(verified.body).toMatchObject({ valid: true, invalid: [] });
    expect(verified.body.verified.sort()).toEqual([...ids].sort());

    // A viewer may read and verify, not more.
    const viewer = await userWithToken(server.url, token, 'proofviewer', 'viewer');
    const asViewer = client(server.url, viewer.token);
    expect((await asViewer.get(PROOFS)).status).toBe(200);
    expect(
      (
        await asViewer.post(`${PROOFS}/verify`, {
          proofs: [{ circuit: one.body.circuit, proof: one.body.proof, publicSignals: one.body.publicSignals }],
        })
      ).body,
    ).toMatchObject({ valid: true, results: [true] });

    // Offline: export, verify with the CLI, tamper, verify again.
    const exported = await api.get(`${PROOFS}/export`);
    expect(exported.headers.get('content-disposition')).toContain('entroos-proofs.json');
    const dir = mkdtempSync(join(tmpdir(), 'entroos-export-'));
    const file = join(dir, 'proofs.json');
    writeFileSync(file, exported.text);
    const ok = spawnSync(process.execPath, [join(ROOT, 'bin/entroos-verify.mjs'), file], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`${ids.length}/${ids.length} proofs valid, covering 5 placements`));
    const tampered = JSON.parse(exported.text);
    tampered.proofs[0].publicSignals[0] = String(BigInt(tampered.proofs[0].publicSignals[0]) + 1n);
    tampered.proofs[0].placements = [];
    writeFileSync(file, JSON.stringify(tampered));
    const bad = spawnSync(process.execPath, [join(ROOT, 'bin/entroos-verify.mjs'), file], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`INVALID proof ${tampered.proofs[0].id}`);
  }, 120_000);

  it('verifies version 1 proofs, and rejects out-of-range public capacities with the reason, online and offline', async () => {
    const circuits = loadArtifacts();
    const prove = (name: 'placement' | 'placement_v2', input: Record<string, unknown>) =>
      snarkjs.groth16.fullProve(input, circuits[name].wasmPath, circuits[name].zkeyPath, undefined, undefined, {
        singleThread: true,
      });
    const facts = { cpu: 100, memory: 2 ** 20, freeCpu: 4000, freeMemory: 2 ** 30, freePods: 3 };
    // A proof as stored before version 2 (circuit "placement", the version 1 key), and version 2 ones whose
    // statements the circuit no longer checks: no free pod slot, a free memory beyond 2^48.
    const old = { circuit: 'placement', ...(await prove('placement', { ...placementWitness(facts, 11n) })) };
    const noSlot = {
      circuit: 'placement_v2',
      ...(await prove('placement_v2', { ...placementWitness({ ...facts, freePods: 0 }, 12n) })),
    };
    const wide = {
      circuit: 'placement_v2',
      ...(await prove('placement_v2', { ...placementWitness(facts, 13n), freeMemory: String(2n ** 48n) })),
    };
    const api = client(server.url, token);
    const res = await api.post(`${PROOFS}/verify`, { proofs: [old, noSlot, wide] });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      valid: false,
      results: [true, false, false],
      reasons: [
        null,
        'freePods is 0: the node had no free pod slot',
        expect.stringMatching(/^freeMemory \d+ is out of range/),
      ],
    });

    const vkeys = Object.fromEntries(
      (['placement', 'placement_v2'] as const).map((c) => [c, { vkeyId: circuits[c].vkeyId, vkey: circuits[c].vkey }]),
    );
    const file = join(mkdtempSync(join(tmpdir(), 'entroos-export-')), 'proofs.json');
    const exportOf = (proofs: object[]) =>
      JSON.stringify({ kind: 'ProofExport', vkeys, proofs: proofs.map((p, i) => ({ id: `p${i}`, ...p })) });
    writeFileSync(file, exportOf([old]));
    const ok = spawnSync(process.execPath, [join(ROOT, 'bin/entroos-verify.mjs'), file], { encoding: 'utf8' });
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    writeFileSync(file, exportOf([old, noSlot, wide]));
    const bad = spawnSync(process.execPath, [join(ROOT, 'bin/entroos-verify.mjs'), file], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('INVALID proof p1 (placement_v2): freePods is 0: the node had no free pod slot');
    expect(bad.stdout).toMatch(/INVALID proof p2 \(placement_v2\): freeMemory \d+ is out of range/);
    expect(bad.stdout).toContain('1/3 proofs valid');
  }, 120_000);

  it('answers malformed verify requests with a 400 naming the problem', async () => {
    const api = client(server.url, token);
    const proof = {
      pi_a: ['1', '2', '1'],
      pi_b: [
        ['1', '2'],
        ['3', '4'],
        ['1', '0'],
      ],
      pi_c: ['1', '2', '1'],
      protocol: 'groth16',
    };
    const cases: [unknown, RegExp][] = [
      [{ proofs: [{ circuit: 'nope', proof, publicSignals: [] }] }, /proofs\[0\]\.circuit: unknown circuit "nope"/],
      [
        { proofs: [{ circuit: 'placement', proof, publicSignals: ['1', '2'] }] },
        /proofs\[0\]: publicSignals has 2 values; this circuit's key expects 5/,
      ],
      [
        { proofs: [{ circuit: 'placement', proof: { pi_a: 'x' }, publicSignals: ['1', '2', '3', '4', '5'] }] },
        /proofs\[0\]: proof\.pi_a must be an array of 3 decimal strings/,
      ],
      [{ ids: ['no-such-proof'] }, /proof "no-such-proof" not found/],
    ];
    for (const [body, message] of cases) {
      const res = await api.post(`${PROOFS}/verify`, body);
      expect(res.status, res.text).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.message).toMatch(message);
    }
    // A well-formed but false proof is "false", never an error and never true.
    const res = await api.post(`${PROOFS}/verify`, {
      proofs: [{ circuit: 'placement', proof, publicSignals: ['1', '2', '3', '4', '5'] }],
    });
    expect(res.body).toMatchObject({ valid: false, results: [false] });
  });

  it('refuses to start when an artifact is corrupted, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entroos-zk-'));
    cpSync(join(ROOT, 'public/zk'), dir, { recursive: true });
    const wasm = join(dir, 'placement_batch.wasm');
    const bytes = readFileSync(wasm);
    bytes[100] ^= 0x01;
    writeFileSync(wasm, bytes);
    const failed = await startServer({ env: { ENTROOS_ZK_DIR: dir }, expectExit: true });
    expect(await failed.stop()).toBe(1);
    expect(failed.output()).toMatch(
      /placement_batch\.wasm does not match its checksum in manifest\.json.*restore it from git or rebuild with `npm run circuits:build`/,
    );
  });
});
