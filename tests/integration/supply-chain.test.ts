import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';
import { openStore } from '@/lib/store/index.ts';
import {
  batchDigest,
  CUSTODY_PREDICATE,
  generateParticipantKey,
  signStatement,
  STATEMENT_TYPE,
  subjectName,
  type CustodyPredicate,
} from '@/lib/apps/supply-chain/attestation.ts';
import type { Attestation, Batch } from '@/lib/apps/supply-chain/types.ts';

// The supply-chain verifier through the real API: its CRDs are served at start, admission refuses forged
// attestations (and stores nothing), a recall reaches every batch made from the recalled one, and an attestation
// changed in the database behind the API's back flips its batch to Tampered when the controller reads it again.

const NS = 'default';
const BASE = `/apis/supplychain.entroos.io/v1/namespaces/${NS}`;
const SECRET_KEY = 'ZW50cm9vcy10ZXN0LXNlY3JldC1rZXktMzItYnl0ZXM=';
const keys = new Map<string, { privateKey: KeyObject; publicKey: string }>();
for (const name of ['farm', 'coop', 'mallory']) keys.set(name, generateParticipantKey());

// One prover thread: the certified-custody proofs are made by the cluster's prover pool.
const SERVER_ENV = { ENTROOS_PROVERS: '1' };
let dataDir: string;
let server: TestServer;
let api: ReturnType<typeof client>;

const batchSpec = (producer: string, inputs?: string[]): Batch['spec'] => ({
  product: 'green-coffee',
  producer,
  quantity: 60,
  unit: 'kg',
  ...(inputs ? { inputs } : {}),
});

let hour = 0;
function attestation(
  batch: string,
  spec: Batch['spec'],
  signer: string,
  action: CustodyPredicate['action'],
  more: Partial<CustodyPredicate> = {},
  claim = signer,
) {
  hour += 1;
  const predicate: CustodyPredicate = {
    batch,
    participant: claim,
    action,
    time: new Date(Date.UTC(2026, 8, 1, hour)).toISOString(),
    ...more,
  };
  const envelope = signStatement(
    {
      _type: STATEMENT_TYPE,
      subject: [{ name: subjectName(NS, batch), digest: { sha256: batchDigest(NS, batch, spec) } }],
      predicateType: CUSTODY_PREDICATE,
      predicate,
    },
    keys.get(signer)!.privateKey,
  );
  return { metadata: { name: `${batch}-${hour}-${action}` }, spec: { batch, participant: claim, action, envelope } };
}

async function createBatch(name: string, spec: Batch['spec'], steps: ReturnType<typeof attestation>[]) {
  for (const a of steps) expect((await api.post(`${BASE}/attestations`, a)).status).toBe(201);
  expect((await api.post(`${BASE}/batches`, { metadata: { name }, spec })).status).toBe(201);
}

const phaseOf = async (name: string) => (await api.get<Batch>(`${BASE}/batches/${name}`)).body.status;
const waitFor = (name: string, phase: string, timeoutMs?: number) =>
  until(
    async () => ((await phaseOf(name))?.phase === phase ? phaseOf(name) : undefined),
    `${name} to be ${phase}`,
    timeoutMs,
  );

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'entroos-supply-chain-'));
  server = await startServer({ dataDir, env: SERVER_ENV });
  api = client(server.url, await login(server.url));
  await until(async () => (await api.get(`/apis/supplychain.entroos.io/v1`)).status === 200, 'the supply-chain API');
  for (const name of ['farm', 'coop', 'mallory']) {
    const res = await api.post(`${BASE}/participants`, {
      metadata: { name },
      spec: { roles: [name === 'coop' ? 'cooperative' : 'farm'], publicKey: keys.get(name)!.publicKey },
    });
    expect(res.status).toBe(201);
  }
});

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('supply-chain admission', () => {
  it('refuses an attestation signed with a key that is not the participant’s, and stores nothing', async () => {
    const forged = attestation('lot-x', batchSpec('farm'), 'mallory', 'produce', {}, 'farm');
    const res = await api.post(`${BASE}/attestations`, forged);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'Invalid' });
    expect(res.body.message).toMatch(
      /unknown key: the envelope is signed by sha256:[0-9a-f]+, not by participant "farm"'s key/,
    );
    expect(res.body.details.causes[0].field).toBe('spec.envelope');
    expect((await api.get(`${BASE}/attestations/${forged.metadata.name}`)).status).toBe(404);
  });

  it('refuses a payload changed after it was signed, and an unknown participant', async () => {
    const a = attestation('lot-x', batchSpec('farm'), 'farm', 'produce');
    const statement = JSON.parse(Buffer.from(a.spec.envelope.payload, 'base64').toString());
    statement.predicate.location = 'elsewhere';
    const changed = {
      ...a,
      spec: {
        ...a.spec,
        envelope: { ...a.spec.envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') },
      },
    };
    const bad = await api.post(`${BASE}/attestations`, changed);
    expect(bad.status).toBe(422);
    expect(bad.body.message).toMatch(/bad signature/);

    keys.set('ghost', generateParticipantKey());
    const ghost = await api.post(`${BASE}/attestations`, attestation('lot-x', batchSpec('ghost'), 'ghost', 'produce'));
    expect(ghost.status).toBe(422);
    expect(ghost.body.message).toMatch(/unknown participant "ghost"/);
  });

  it('refuses a participant whose key is not a raw ed25519 public key', async () => {
    const res = await api.post(`${BASE}/participants`, {
      metadata: { name: 'short-key' },
      spec: { roles: ['farm'], publicKey: Buffer.alloc(31, 7).toString('base64') },
    });
    expect(res.status).toBe(422);
    expect(res.body.details.causes).toContainEqual(expect.objectContaining({ field: 'spec.publicKey' }));
  });
});

describe('supply-chain controller', () => {
  it('completes a chain and recalls every batch made from a recalled input', async () => {
    const lot = batchSpec('farm');
    await createBatch('lot-1', lot, [
      attestation('lot-1', lot, 'farm', 'produce'),
      attestation('lot-1', lot, 'farm', 'handover', { to: 'coop' }),
      attestation('lot-1', lot, 'coop', 'receive'),
    ]);
    const blend = batchSpec('coop', ['lot-1']);
    await createBatch('blend-1', blend, [
      attestation('blend-1', blend, 'coop', 'process', {
        inputs: [{ name: 'lot-1', digest: { sha256: batchDigest(NS, 'lot-1', lot) } }],
      }),
    ]);
    const bag = batchSpec('coop', ['blend-1']);
    await createBatch('bag-1', bag, [
      attestation('bag-1', bag, 'coop', 'process', { inputs: [{ name: 'blend-1', digest: { sha256: '' } }] }),
    ]);
    await waitFor('bag-1', 'Complete');
    expect((await phaseOf('lot-1'))?.holder).toBe('coop');

    const recall = await fetch(`${server.url}${BASE}/batches/lot-1`, {
      method: 'PATCH',
      headers: { Authorization: (await authHeader()) ?? '', 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { recall: { reason: 'mould in sample' } } }),
    });
    expect(recall.status).toBe(200);
    expect(await waitFor('blend-1', 'Recalled')).toMatchObject({
      recalledBy: 'lot-1',
      reason: 'made from recalled batch lot-1',
    });
    expect(await waitFor('bag-1', 'Recalled')).toMatchObject({
      recalledBy: 'lot-1',
      reason: 'made from recalled batch lot-1 (via blend-1)',
    });
  });

  it('flips a batch to Tampered when its stored attestation was changed behind the API', async () => {
    const lot = batchSpec('farm');
    const produce = attestation('lot-2', lot, 'farm', 'produce');
    await createBatch('lot-2', lot, [produce]);
    await waitFor('lot-2', 'Complete');
    await server.stop();

    // Someone with the database edits the signed statement (a different origin) and keeps the signature.
    const store = await openStore(`file:${join(dataDir, 'entroos.db')}`, {
      secretKey: Buffer.from(SECRET_KEY, 'base64'),
    });
    const stored = store.objects.get('attestations.supplychain.entroos.io', NS, produce.metadata.name) as Attestation;
    const statement = JSON.parse(Buffer.from(stored.spec.envelope.payload, 'base64').toString());
    statement.predicate.location = 'a farm that is not certified';
    const edited = {
      ...stored,
      spec: {
        ...stored.spec,
        envelope: { ...stored.spec.envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') },
      },
    };
    await store.objects.write('attestations.supplychain.entroos.io', NS, produce.metadata.name, edited).done;
    await store.close();

    server = await startServer({ dataDir, env: SERVER_ENV });
    api = client(server.url, await login(server.url));
    const status = await waitFor('lot-2', 'Tampered', 20_000);
    expect(status?.reason).toMatch(new RegExp(`attestation ${produce.metadata.name}: bad signature`));
    expect(status?.custody[0]).toMatchObject({ verified: false, attestation: produce.metadata.name });
    // The batches verified before the restart are verified again and unchanged.
    expect((await phaseOf('bag-1'))?.phase).toBe('Recalled');
  });
});

describe('certified custody (zero-knowledge)', () => {
  it('proves a batch passed a certified facility without naming it; the verdict verifies on the server and offline', async () => {
    const set = await api.post(`${BASE}/certifiedsets`, {
      metadata: { name: 'organic' },
      spec: { displayName: 'Organic co-operatives', members: ['coop'] },
    });
    expect(set.status).toBe(201);
    const spec: Batch['spec'] = { ...batchSpec('farm'), disclose: ['certified'] };
    await createBatch('lot-cert', spec, [
      attestation('lot-cert', spec, 'farm', 'produce'),
      attestation('lot-cert', spec, 'farm', 'handover', { to: 'coop' }),
      attestation('lot-cert', spec, 'coop', 'receive'),
    ]);
    const status = await until(
      async () => {
        const s = await phaseOf('lot-cert');
        return s?.certifications?.length ? s : undefined;
      },
      'a certified-custody proof',
      60_000,
    );
    expect(status?.certifications![0]).toMatchObject({ set: 'organic', depth: 20 });
    expect(status?.certificationProblem).toBeUndefined();

    // The public verdict (no login): checked by the server, naming the set but not the facility.
    const res = await fetch(`${server.url}/apps/supply-chain/verdicts/${NS}/lot-cert`);
    const verdict = await res.json();
    expect(verdict.certified).toHaveLength(1);
    expect(verdict.certified[0]).toMatchObject({ set: 'Organic co-operatives', verified: true });
    expect(JSON.stringify(verdict)).not.toMatch(/coop"|farm"/);

    // Offline with entroos-verify: valid as served; a verdict edited to claim another batch is refused.
    const dir = mkdtempSync(join(tmpdir(), 'entroos-certified-'));
    try {
      const file = join(dir, 'verdict.json');
      writeFileSync(file, JSON.stringify(verdict));
      const ok = spawnSync(process.execPath, ['bin/entroos-verify.mjs', file], { encoding: 'utf8' });
      expect(ok.stdout).toMatch(/valid\s+default\/lot-cert certified in Organic co-operatives/);
      expect(ok.status).toBe(0);
      verdict.certified[0].digest = batchDigest(NS, 'lot-cert', { ...spec, quantity: 61 });
      writeFileSync(file, JSON.stringify(verdict));
      const bad = spawnSync(process.execPath, ['bin/entroos-verify.mjs', file], { encoding: 'utf8' });
      expect(bad.stdout).toMatch(
        /INVALID default\/lot-cert certified in Organic co-operatives: the proof is about another batch/,
      );
      expect(bad.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // A batch no member of a set handled says so instead of showing a proof.
    const alone: Batch['spec'] = { ...batchSpec('farm'), quantity: 5, disclose: ['certified'] };
    await createBatch('lot-alone', alone, [attestation('lot-alone', alone, 'farm', 'produce')]);
    const lonely = await until(
      async () => (await phaseOf('lot-alone'))?.certificationProblem,
      'a certification problem',
    );
    expect(lonely).toMatch(/no custody step is signed by a member of a certified set/);
  }, 90_000);
});

let token: string | undefined;
async function authHeader() {
  token ??= await login(server.url);
  return `Bearer ${token}`;
}
