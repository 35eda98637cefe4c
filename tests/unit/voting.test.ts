import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as snarkjs from 'snarkjs';
import { merkleRoot } from '@/lib/apps/supply-chain/merkle.ts';
import { commitmentFor, newSecret, voteWitness } from '@/lib/apps/voting/voter.ts';
import { ballotIdOf, voteName } from '@/lib/apps/voting/ids.ts';
import { nullifierOf, PoseidonTree, rootFromPath, SNARK_FIELD } from '@/lib/proofs/poseidon-tree.ts';
import { tallyOf, verifyBallotExport, type BallotExport } from '@/lib/proofs/ballot-export.ts';
import { SyncVerifier } from '@/lib/proofs/verify-sync.ts';
import { terminateCurve } from '@/lib/proofs/verify.ts';
import type { VerificationKey } from '@/lib/proofs/artifacts.ts';
import { proveVote } from '../helpers/voting.ts';

// The voting app's pieces without a server: the Poseidon tree, the tally, the circuit's soundness (what cannot be
// proved), the synchronous verifier admission uses, and the offline check of a ballot export.

const vkeyPath = join(import.meta.dirname, '..', '..', 'public', 'zk', 'voting.vkey.json');
const vkey = JSON.parse(readFileSync(vkeyPath, 'utf8')) as VerificationKey;
const secrets = [newSecret(), newSecret(), newSecret()];
const members = secrets.map((s) => String(commitmentFor(s)));
const tree = new PoseidonTree(20, members.map(BigInt));
const ballot = { ballotId: String(ballotIdOf('default', 'b', 'uid-1')), root: String(tree.root()), options: 3 };
const verifier = new SyncVerifier();
let votes: { proof: snarkjs.Groth16Proof; publicSignals: string[] }[];

beforeAll(async () => {
  await verifier.start();
  votes = [];
  for (const [i, s] of secrets.slice(0, 2).entries())
    votes.push(await proveVote({ ...voteWitness(members, s, ballot, i) }));
}, 60_000);

afterAll(async () => {
  await verifier.stop();
  await terminateCurve();
});

describe('Poseidon tree', () => {
  it('appends incrementally to the root a full rebuild gives, and its paths lead to the root', () => {
    const leaves = Array.from({ length: 37 }, (_, i) => BigInt(i * 7 + 1));
    const t = new PoseidonTree(20);
    for (const [i, leaf] of leaves.entries()) {
      t.append(leaf);
      if (i % 5 === 0) expect(t.root()).toBe(merkleRoot(leaves.slice(0, i + 1)));
    }
    expect(t.root()).toBe(merkleRoot(leaves));
    for (const i of [0, 17, 36]) {
      const { pathElements, pathIndices } = t.path(i);
      expect(rootFromPath(leaves[i], pathElements, pathIndices)).toBe(t.root());
    }
    expect(new PoseidonTree(20).root()).toBe(merkleRoot([]));
    expect(() => t.append(SNARK_FIELD)).toThrow(/field element/);
  });

  it('enrols 10,000 members in well under the 10 s budget', () => {
    const started = performance.now();
    const t = new PoseidonTree(20);
    for (let i = 1; i <= 10_000; i++) {
      t.append(BigInt(i));
      if (i % 1000 === 0) t.root();
    }
    expect(t.size).toBe(10_000);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('tally', () => {
  it('counts each in-range option once and ignores anything else', () => {
    const v = (option: string) => ({ spec: { publicSignals: ['1', '2', '3', option, '3'] } });
    expect(tallyOf(3, [v('0'), v('2'), v('2'), v('7'), v('x')])).toEqual([1, 0, 2]);
    expect(tallyOf(2, [])).toEqual([0, 0]);
  });
});

describe('voting circuit', () => {
  it('proves a member’s vote: public signals are nullifier, root, ballot id, option, options; both verifiers agree', async () => {
    const [first] = votes;
    expect(first.publicSignals).toEqual([
      String(nullifierOf(secrets[0], BigInt(ballot.ballotId))),
      ballot.root,
      ballot.ballotId,
      '0',
      '3',
    ]);
    expect(await snarkjs.groth16.verify(vkey, first.publicSignals, first.proof)).toBe(true);
    expect(verifier.verify(vkey, first.proof, first.publicSignals)).toBe(true);
    const otherOption = [...first.publicSignals];
    otherOption[3] = '1';
    expect(verifier.verify(vkey, first.proof, otherOption)).toBe(false);
    expect(verifier.verify(vkey, votes[1].proof, first.publicSignals)).toBe(false);
  });

  it('gives the same nullifier to a member’s second vote on a ballot, and another on another ballot', async () => {
    const again = await proveVote({ ...voteWitness(members, secrets[0], ballot, 2) });
    expect(again.publicSignals[0]).toBe(votes[0].publicSignals[0]);
    expect(voteName('b', again.publicSignals[0])).toBe(voteName('b', votes[0].publicSignals[0]));
    const elsewhere = String(nullifierOf(secrets[0], ballotIdOf('default', 'other', 'uid-2')));
    expect(elsewhere).not.toBe(votes[0].publicSignals[0]);
  }, 30_000);

  it('cannot prove against a wrong root, for a non-member, an option out of range, or more options than 16', async () => {
    const input = voteWitness(members, secrets[2], ballot, 1);
    await expect(proveVote({ ...input, root: String(BigInt(input.root) + 1n) })).rejects.toThrow(/Assert Failed/);
    await expect(proveVote({ ...input, secret: String(newSecret()) })).rejects.toThrow(/Assert Failed/);
    await expect(proveVote({ ...input, vote: 3 })).rejects.toThrow(/Assert Failed/);
    await expect(proveVote({ ...input, vote: 3, numOptions: 17 })).rejects.toThrow(/Assert Failed/);
    // An option that wraps around the field is not small either.
    await expect(proveVote({ ...input, vote: String(SNARK_FIELD - 1n) })).rejects.toThrow(/Assert Failed/);
    await expect(proveVote({ ...input, pathIndices: input.pathIndices.map((b, i) => (i ? b : 2)) })).rejects.toThrow(
      /Assert Failed/,
    );
  }, 30_000);

  it('refuses a secret that aliases modulo the field: ≥ 2^253 cannot be proved, and the voter code refuses it', async () => {
    const input = voteWitness(members, secrets[2], ballot, 1);
    // secret + p is the same field element: the witness reduces it, so it is the same member and nullifier.
    const aliased = await proveVote({ ...input, secret: String(secrets[2] + SNARK_FIELD) });
    expect(aliased.publicSignals[0]).toBe(String(nullifierOf(secrets[2], BigInt(ballot.ballotId))));
    // A field element at or above 2^253 (p - 1, say) has no proof at all.
    await expect(proveVote({ ...input, secret: String(SNARK_FIELD - 1n) })).rejects.toThrow(/Assert Failed/);
    expect(() => commitmentFor(1n << 253n)).toThrow(/below 2\^253/);
    expect(() => commitmentFor(secrets[2] + SNARK_FIELD)).toThrow(/below 2\^253/);
  }, 30_000);
});

describe('ballot export check', () => {
  const exported = (): BallotExport => ({
    kind: 'BallotExport',
    apiVersion: 'voting.entroos.io/v1',
    exportedAt: new Date().toISOString(),
    ballot: {
      namespace: 'default',
      name: 'b',
      uid: 'uid-1',
      question: 'Which?',
      options: ['x', 'y', 'z'],
      group: 'g',
      state: 'Closed',
      ballotId: ballot.ballotId,
      root: ballot.root,
      groupSize: members.length,
    },
    members: [...members],
    vkey: { vkeyId: 'x', vkey },
    votes: votes.map((v) => ({
      name: voteName('b', v.publicSignals[0]),
      nullifier: v.publicSignals[0],
      option: Number(v.publicSignals[3]),
      proof: structuredClone(v.proof),
      publicSignals: [...v.publicSignals],
    })),
    tally: [1, 1, 0],
  });

  it('accepts an honest export and names what is wrong in a tampered one', async () => {
    expect(await verifyBallotExport(exported())).toMatchObject({
      ok: true,
      problems: [],
      badVotes: [],
      tally: [1, 1, 0],
    });

    const tampered = exported();
    tampered.votes[1].proof = structuredClone(votes[0].proof);
    const bad = await verifyBallotExport(tampered);
    expect(bad.ok).toBe(false);
    expect(bad.badVotes).toEqual([{ name: tampered.votes[1].name, problem: 'its proof does not verify' }]);
    expect(bad.problems[0]).toMatch(/tally recounted from the valid votes is \[1,0,0\]/);

    const doubled = exported();
    doubled.votes.push(structuredClone(doubled.votes[0]));
    doubled.tally = [2, 1, 0];
    expect((await verifyBallotExport(doubled)).badVotes[0].problem).toMatch(/nullifier was already used/);

    const recounted = exported();
    recounted.tally = [0, 2, 0];
    expect((await verifyBallotExport(recounted)).problems).toEqual([
      'the tally recounted from the valid votes is [1,1,0], the file claims [0,2,0]',
    ]);

    const otherGroup = exported();
    otherGroup.members[2] = String(commitmentFor(newSecret()));
    expect((await verifyBallotExport(otherGroup)).problems[0]).toMatch(/members' root is \d+, not the ballot's root/);
  });
});
