import { afterAll, describe, expect, it } from 'vitest';
import type * as snarkjs from 'snarkjs';
import { batchDigest, generateParticipantKey, parsePublicKey } from '@/lib/apps/supply-chain/attestation.ts';
import { certifiedSigner, isCurrent, proveCertification } from '@/lib/apps/supply-chain/certification.ts';
import { leafOfKey, merklePath, merkleRoot } from '@/lib/apps/supply-chain/merkle.ts';
import type { Batch, CertifiedSet, Participant } from '@/lib/apps/supply-chain/types.ts';
import { loadArtifacts } from '@/lib/proofs/artifacts.ts';
import { batchElement, checkCertifiedCustody } from '@/lib/proofs/certified-custody.ts';
import { inProcessProver } from '@/lib/proofs/prover.ts';
import { terminateCurve } from '@/lib/proofs/verify.ts';

// Certified custody (circuits/certified_custody.circom) with real proofs: made for a batch a member of the set
// signed for, checked against the set's root and the batch's digest, and refused for anything else — another root,
// another batch, a changed signal, a key outside the set, key halves that would alias modulo the field.

const circuits = loadArtifacts();
const prover = inProcessProver(circuits);
const verify = (proof: snarkjs.Groth16Proof, signals: string[]) => prover.verify('certified_custody', proof, signals);

const NS = 'coffee';
const people = ['farm', 'lab', 'roaster'].map((name) => {
  const key = generateParticipantKey();
  const p: Participant = {
    metadata: { name, namespace: NS, uid: name, resourceVersion: '1' },
    spec: { roles: ['farm'], publicKey: key.publicKey },
  };
  return p;
});
const leaves = people.map((p) => leafOfKey(parsePublicKey(p.spec.publicKey).raw));
const set: CertifiedSet = {
  metadata: { name: 'organic', namespace: NS, uid: 'organic', resourceVersion: '1' },
  spec: { displayName: 'Organic facilities', members: people.map((p) => p.metadata.name) },
  status: {
    root: String(merkleRoot(leaves)),
    depth: 20,
    size: leaves.length,
    leaves: people.map((p, index) => ({ participant: p.metadata.name, index, leaf: String(leaves[index]) })),
  },
};
const spec = { product: 'green-coffee', producer: 'farm', quantity: 60, unit: 'kg', disclose: ['certified' as const] };
const batch: Batch = {
  metadata: { name: 'lot-1', namespace: NS, uid: 'lot-1', resourceVersion: '1' },
  spec,
  status: {
    phase: 'Complete',
    reason: 'ok',
    digest: batchDigest(NS, 'lot-1', spec),
    custody: [
      { attestation: 'a1', participant: 'outsider', action: 'produce', time: '2026-09-01T00:00:00Z', verified: true },
      { attestation: 'a2', participant: 'lab', action: 'inspect', time: '2026-09-01T01:00:00Z', verified: true },
    ],
  },
};

describe('certified custody', () => {
  afterAll(() => terminateCurve());

  it('proves that a member of the set signed for the batch, and the proof checks against root and digest', async () => {
    const signer = certifiedSigner(batch, set);
    expect(signer).toEqual({ participant: 'lab', index: 1 });
    const c = await proveCertification(prover, batch, set, signer!, people[1]);
    expect(c.publicSignals).toEqual([c.commitment, set.status!.root, batchElement(batch.status!.digest)]);
    expect(isCurrent(c, batch, set)).toBe(true);
    const expected = { root: set.status!.root, digest: batch.status!.digest };
    expect(await checkCertifiedCustody(verify, c, expected)).toBeUndefined();
    // Nothing in what is published names the facility: its leaf appears in no signal.
    expect(c.publicSignals).not.toContain(String(leaves[1]));

    expect(
      await checkCertifiedCustody(verify, c, { ...expected, root: String(merkleRoot(leaves.slice(0, 2))) }),
    ).toMatch(/not the set's root/);
    const other = batchDigest(NS, 'lot-1', { ...spec, quantity: 61 });
    expect(await checkCertifiedCustody(verify, c, { ...expected, digest: other })).toMatch(/another batch/);
    // A signal changed after proving (the commitment of another batch's proof): the pairing check fails.
    const forged = { ...c, commitment: '12345', publicSignals: ['12345', ...c.publicSignals.slice(1)] };
    expect(await checkCertifiedCustody(verify, forged, expected)).toBe('the proof does not verify');
    // A second proof for the same batch and facility shares no commitment with the first (the salt is fresh).
    const again = await proveCertification(prover, batch, set, signer!, people[1]);
    expect(again.commitment).not.toBe(c.commitment);
  }, 60_000);

  it('cannot be proved for a key outside the set, or with key halves that alias modulo the field', async () => {
    const outsider = generateParticipantKey();
    const raw = parsePublicKey(outsider.publicKey).raw.toString('hex');
    const { pathElements, pathIndices } = merklePath(leaves, 1);
    const base = {
      root: set.status!.root,
      batch: batchElement(batch.status!.digest),
      salt: '7',
      pathElements: pathElements.map(String),
      pathIndices,
    };
    await expect(
      prover.prove('certified_custody', {
        ...base,
        keyHi: BigInt(`0x${raw.slice(0, 32)}`).toString(),
        keyLo: BigInt(`0x${raw.slice(32)}`).toString(),
      }),
    ).rejects.toThrow();
    // The lab's own halves, with 2^128 added to one: the same value modulo nothing, but outside the 128-bit range.
    const lab = parsePublicKey(people[1].spec.publicKey).raw.toString('hex');
    await expect(
      prover.prove('certified_custody', {
        ...base,
        keyHi: (BigInt(`0x${lab.slice(0, 32)}`) + 2n ** 128n).toString(),
        keyLo: BigInt(`0x${lab.slice(32)}`).toString(),
      }),
    ).rejects.toThrow();
    // And a batch element beyond 248 bits.
    await expect(
      prover.prove('certified_custody', {
        ...base,
        batch: (2n ** 248n).toString(),
        keyHi: BigInt(`0x${lab.slice(0, 32)}`).toString(),
        keyLo: BigInt(`0x${lab.slice(32)}`).toString(),
      }),
    ).rejects.toThrow();
  }, 60_000);

  it('finds no signer when no verified custody step is by a member', () => {
    const unsigned: Batch = {
      ...batch,
      status: {
        ...batch.status!,
        custody: batch.status!.custody.map((s) => ({ ...s, verified: s.participant !== 'lab' })),
      },
    };
    expect(certifiedSigner(unsigned, set)).toBeUndefined();
  });
});
