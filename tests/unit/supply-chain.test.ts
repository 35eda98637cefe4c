import { describe, expect, it, afterAll } from 'vitest';
import * as snarkjs from 'snarkjs';
import type { KeyObject } from 'node:crypto';
import {
  batchDigest,
  CUSTODY_PREDICATE,
  generateParticipantKey,
  signStatement,
  STATEMENT_TYPE,
  subjectName,
  type CustodyPredicate,
} from '@/lib/apps/supply-chain/attestation.ts';
import { verifyAttestation, type Verdict } from '@/lib/apps/supply-chain/verify.ts';
import { evaluateBatch, type InputState } from '@/lib/apps/supply-chain/chain.ts';
import { leafOfKey, merklePath, merkleRoot, rootFromPath } from '@/lib/apps/supply-chain/merkle.ts';
import type { Attestation, Batch, Participant } from '@/lib/apps/supply-chain/types.ts';
import { loadArtifacts } from '@/lib/proofs/artifacts.ts';
import { terminateCurve, verifyOne } from '@/lib/proofs/verify.ts';

// The supply chain's rules without a server: DSSE signatures, chain status, recall propagation, Merkle roots.

const NS = 'coffee';
const keys = new Map<string, { privateKey: KeyObject; publicKey: string }>();
const participant = (name: string): Participant => {
  if (!keys.has(name)) keys.set(name, generateParticipantKey());
  return {
    metadata: { name, namespace: NS, uid: name, resourceVersion: '1' },
    spec: { roles: ['farm'], publicKey: keys.get(name)!.publicKey },
  };
};
const participants = new Map(['farm', 'coop', 'roaster', 'carrier', 'mallory'].map((n) => [n, participant(n)]));
const lookup = (name: string) => participants.get(name);

const batch = (name: string, producer: string, inputs?: string[], extra: Partial<Batch['spec']> = {}): Batch => ({
  metadata: { name, namespace: NS, uid: name, resourceVersion: '1' },
  spec: { product: 'green-coffee', producer, quantity: 60, unit: 'kg', ...(inputs ? { inputs } : {}), ...extra },
});

let hour = 0;
function attestation(
  b: Batch,
  signer: string,
  action: CustodyPredicate['action'],
  more: Partial<CustodyPredicate> = {},
  as = signer,
): Attestation {
  const predicate: CustodyPredicate = {
    batch: b.metadata.name,
    participant: as,
    action,
    time: new Date(Date.UTC(2026, 8, 1, hour++)).toISOString(),
    ...more,
  };
  const envelope = signStatement(
    {
      _type: STATEMENT_TYPE,
      subject: [
        { name: subjectName(NS, b.metadata.name), digest: { sha256: batchDigest(NS, b.metadata.name, b.spec) } },
      ],
      predicateType: CUSTODY_PREDICATE,
      predicate,
    },
    keys.get(signer)!.privateKey,
  );
  return {
    metadata: { name: `${b.metadata.name}-${hour}`, namespace: NS, uid: String(hour), resourceVersion: '1' },
    spec: { batch: b.metadata.name, participant: as, action, envelope },
  };
}

const verified = (atts: Attestation[]): { attestation: Attestation; verdict: Verdict }[] =>
  atts.map((attestation) => ({ attestation, verdict: verifyAttestation(NS, attestation.spec, lookup) }));
const complete = (name: string): InputState => ({ name, exists: true, status: { phase: 'Complete', reason: '' } });

describe('attestation signatures', () => {
  const lot = batch('lot-1', 'farm');
  it('verifies an envelope signed with the participant key', () => {
    expect(verifyAttestation(NS, attestation(lot, 'farm', 'produce').spec, lookup)).toMatchObject({ ok: true });
  });

  it('refuses an envelope signed by someone else, naming the key', () => {
    const forged = attestation(lot, 'mallory', 'produce', {}, 'farm');
    const verdict = verifyAttestation(NS, forged.spec, lookup);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.problem).toMatch(/^unknown key: .* not by participant "farm"'s key sha256:/);
  });

  it('refuses a payload changed after signing (bad signature)', () => {
    const a = attestation(lot, 'farm', 'produce');
    const statement = JSON.parse(Buffer.from(a.spec.envelope.payload, 'base64').toString());
    statement.predicate.location = 'somewhere else';
    a.spec.envelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    const verdict = verifyAttestation(NS, a.spec, lookup);
    expect(!verdict.ok && verdict.problem).toMatch(/^bad signature: .*participant "farm"/);
  });

  it('refuses an unknown participant and a spec that disagrees with the signed statement', () => {
    const a = attestation(lot, 'farm', 'produce');
    expect(verifyAttestation(NS, { ...a.spec, participant: 'ghost' }, lookup)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('names participant "farm", not "ghost"'),
    });
    const noParticipants = () => undefined;
    expect(verifyAttestation(NS, a.spec, noParticipants)).toMatchObject({
      ok: false,
      problem: 'unknown participant "farm"',
    });
    expect(verifyAttestation(NS, { ...a.spec, batch: 'lot-2' }, lookup)).toMatchObject({ ok: false });
  });
});

describe('chain status', () => {
  it('is Complete when every hand-over is received by its recipient', () => {
    const lot = batch('lot-2', 'farm');
    const atts = [
      attestation(lot, 'farm', 'produce'),
      attestation(lot, 'farm', 'handover', { to: 'coop' }),
      attestation(lot, 'coop', 'receive'),
    ];
    const status = evaluateBatch({ namespace: NS, batch: lot, attestations: verified(atts), inputs: [] });
    expect(status).toMatchObject({ phase: 'Complete', holder: 'coop' });
    expect(status.custody.map((c) => c.verified)).toEqual([true, true, true]);
  });

  it('is BrokenChain when a receipt is missing, out of turn, or there is no origin', () => {
    const lot = batch('lot-3', 'farm');
    const produce = attestation(lot, 'farm', 'produce');
    const handover = attestation(lot, 'farm', 'handover', { to: 'coop' });
    expect(
      evaluateBatch({ namespace: NS, batch: lot, attestations: verified([produce, handover]), inputs: [] }),
    ).toMatchObject({
      phase: 'BrokenChain',
      reason: 'handed over to coop, who has not attested receipt',
    });
    const impostor = attestation(lot, 'mallory', 'receive');
    participants.set('mallory', participant('mallory'));
    expect(
      evaluateBatch({ namespace: NS, batch: lot, attestations: verified([produce, handover, impostor]), inputs: [] })
        .reason,
    ).toMatch(/is by mallory, but custody was with farm, handing over to coop/);
    const none = evaluateBatch({ namespace: NS, batch: lot, attestations: [], inputs: [] });
    expect(none.reason).toBe('no custody attestations');
    // A status is stored through the schema: it must hold no undefined fields (they would be written as null).
    expect(Object.values(none)).not.toContain(undefined);
    expect(evaluateBatch({ namespace: NS, batch: lot, attestations: verified([handover]), inputs: [] }).reason).toMatch(
      /^missing origin/,
    );
  });

  it('is Tampered when a stored signature no longer verifies or the batch changed after it was attested', () => {
    const lot = batch('lot-4', 'farm');
    const produce = attestation(lot, 'farm', 'produce');
    const edited = { ...lot, spec: { ...lot.spec, quantity: 600 } };
    expect(
      evaluateBatch({ namespace: NS, batch: edited, attestations: verified([produce]), inputs: [] }),
    ).toMatchObject({
      phase: 'Tampered',
      reason: expect.stringContaining('subject digest no longer matches'),
    });
    const sig = produce.spec.envelope.signatures[0];
    const flipped = {
      ...produce,
      spec: {
        ...produce.spec,
        envelope: { ...produce.spec.envelope, signatures: [{ ...sig, sig: Buffer.alloc(64, 1).toString('base64') }] },
      },
    };
    expect(evaluateBatch({ namespace: NS, batch: lot, attestations: verified([flipped]), inputs: [] })).toMatchObject({
      phase: 'Tampered',
      reason: expect.stringContaining('bad signature'),
    });
  });

  it('checks that a processed batch consumed exactly its declared inputs', () => {
    const roast = batch('roast-1', 'roaster', ['lot-a', 'lot-b']);
    const ok = attestation(roast, 'roaster', 'process', {
      inputs: [
        { name: 'lot-a', digest: { sha256: 'x' } },
        { name: 'lot-b', digest: { sha256: 'y' } },
      ],
    });
    const inputs = [complete('lot-a'), complete('lot-b')];
    expect(evaluateBatch({ namespace: NS, batch: roast, attestations: verified([ok]), inputs }).phase).toBe('Complete');
    const partial = attestation(roast, 'roaster', 'process', { inputs: [{ name: 'lot-a', digest: { sha256: 'x' } }] });
    expect(evaluateBatch({ namespace: NS, batch: roast, attestations: verified([partial]), inputs }).reason).toMatch(
      /consumed \[lot-a\]/,
    );
  });
});

describe('recall propagation', () => {
  it('recalls a batch, then everything made from it, naming the origin', () => {
    const lot = batch('lot-r', 'farm', undefined, { recall: { reason: 'mould' } });
    const lotStatus = evaluateBatch({
      namespace: NS,
      batch: lot,
      attestations: verified([attestation(lot, 'farm', 'produce')]),
      inputs: [],
    });
    expect(lotStatus).toMatchObject({ phase: 'Recalled', recalledBy: 'lot-r', reason: 'recalled: mould' });

    const roast = batch('roast-r', 'roaster', ['lot-r', 'lot-ok']);
    const process = attestation(roast, 'roaster', 'process', {
      inputs: [
        { name: 'lot-r', digest: { sha256: '' } },
        { name: 'lot-ok', digest: { sha256: '' } },
      ],
    });
    const roastStatus = evaluateBatch({
      namespace: NS,
      batch: roast,
      attestations: verified([process]),
      inputs: [{ name: 'lot-r', exists: true, status: lotStatus }, complete('lot-ok')],
    });
    expect(roastStatus).toMatchObject({
      phase: 'Recalled',
      recalledBy: 'lot-r',
      reason: 'made from recalled batch lot-r',
    });

    const bag = batch('bag-r', 'roaster', ['roast-r']);
    const bagStatus = evaluateBatch({
      namespace: NS,
      batch: bag,
      attestations: verified([
        attestation(bag, 'roaster', 'process', { inputs: [{ name: 'roast-r', digest: { sha256: '' } }] }),
      ]),
      inputs: [{ name: 'roast-r', exists: true, status: roastStatus }],
    });
    expect(bagStatus).toMatchObject({
      phase: 'Recalled',
      recalledBy: 'lot-r',
      reason: 'made from recalled batch lot-r (via roast-r)',
    });
  });
});

describe('certified set Merkle tree', () => {
  afterAll(() => terminateCurve());
  const leaves = ['farm', 'coop', 'roaster'].map((n) =>
    leafOfKey(Buffer.from(participants.get(n)!.spec.publicKey, 'base64')),
  );

  it('gives paths that lead back to the root', () => {
    const root = merkleRoot(leaves);
    for (let i = 0; i < leaves.length; i++) {
      const { pathElements, pathIndices } = merklePath(leaves, i);
      expect(rootFromPath(leaves[i], pathElements, pathIndices)).toBe(root);
    }
    expect(merkleRoot([...leaves].reverse())).not.toBe(root);
  });

  it('hashes as circuits/merkle_inclusion.circom does (a real proof against the root verifies)', async () => {
    const circuits = loadArtifacts();
    const { pathElements, pathIndices } = merklePath(leaves, 2);
    const root = merkleRoot(leaves);
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(
      { root: String(root), leaf: String(leaves[2]), pathElements: pathElements.map(String), pathIndices },
      circuits.merkle_inclusion.wasmPath,
      circuits.merkle_inclusion.zkeyPath,
      undefined,
      undefined,
      { singleThread: true },
    );
    expect(publicSignals).toEqual([String(root)]);
    expect(await verifyOne({ vkey: circuits.merkle_inclusion.vkey, proof, publicSignals })).toBe(true);
  });
});
