import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as snarkjs from 'snarkjs';
import { poseidon2 } from 'poseidon-lite';
import {
  ArtifactError,
  CIRCUITS,
  defaultZkDir,
  loadArtifacts,
  type CircuitArtifacts,
  type CircuitName,
} from '@/lib/proofs/artifacts.ts';
import { batchInput, BATCH_SIZE, placementWitness, slotSignals } from '@/lib/proofs/placement.ts';
import { placementSignalsProblem } from '@/lib/proofs/placement-checks.ts';
import { ProofFormatError, terminateCurve, verifyBatch, verifyOne, type VerifyItem } from '@/lib/proofs/verify.ts';

// Real circuits, real proofs (snarkjs, single-threaded as in the prover pool).
let circuits: Record<CircuitName, CircuitArtifacts>;
const prove = async (name: CircuitName, input: Record<string, unknown>) =>
  snarkjs.groth16.fullProve(input, circuits[name].wasmPath, circuits[name].zkeyPath, undefined, undefined, {
    singleThread: true,
  });
const fits = (i: number) =>
  placementWitness(
    { cpu: 250 + i, memory: 128 * 2 ** 20, freeCpu: 4000, freeMemory: 8 * 2 ** 30, freePods: 110 - i },
    BigInt(1000 + i),
  );

beforeAll(() => {
  circuits = loadArtifacts();
});
afterAll(async () => {
  await terminateCurve();
});

describe('circuit artifacts', () => {
  it('match their manifest, and each key verifies a fresh proof', async () => {
    const manifest = JSON.parse(readFileSync(join(defaultZkDir(), 'manifest.json'), 'utf8'));
    // Every circuit the server loads is in the manifest, and each ceremony was large enough for its circuit (one
    // built alone records its own powers of tau).
    expect(Object.keys(manifest.circuits).sort()).toEqual([...CIRCUITS].sort());
    expect(manifest.ptau.power).toBeGreaterThanOrEqual(14);
    for (const [name, entry] of Object.entries<{ constraints: number; ptau?: { power: number } }>(manifest.circuits))
      expect(2 ** (entry.ptau?.power ?? manifest.ptau.power), name).toBeGreaterThanOrEqual(entry.constraints);

    const single = await prove('placement', { ...fits(0) });
    expect(await snarkjs.groth16.verify(circuits.placement.vkey, single.publicSignals, single.proof)).toBe(true);
    expect(await verifyOne({ vkey: circuits.placement.vkey, ...single })).toBe(true);

    const slots = [fits(1), fits(2), fits(3)];
    const batch = await prove('placement_batch', batchInput(slots));
    expect(batch.publicSignals).toHaveLength(5 * BATCH_SIZE);
    expect(slotSignals(batch.publicSignals, 2)).toEqual({
      freeCpu: '4000',
      freeMemory: String(8 * 2 ** 30),
      freePods: '107',
      commitment: slots[2].commitment,
      bindingId: '1003',
    });
    expect(slotSignals(batch.publicSignals, 3).bindingId).toBe('0'); // padding
    expect(await verifyOne({ vkey: circuits.placement_batch.vkey, ...batch })).toBe(true);

    // Version 2, what new placements are proved with: same inputs, same public signals.
    const lone = fits(0);
    const single2 = await prove('placement_v2', { ...lone });
    expect(await prove('placement', { ...lone })).toMatchObject({ publicSignals: single2.publicSignals });
    expect(await verifyOne({ vkey: circuits.placement_v2.vkey, ...single2 })).toBe(true);
    const batch2 = await prove('placement_batch_v2', batchInput(slots));
    expect(batch2.publicSignals).toEqual(batch.publicSignals);
    expect(await verifyOne({ vkey: circuits.placement_batch_v2.vkey, ...batch2 })).toBe(true);
    expect(placementSignalsProblem(batch2.publicSignals)).toBeNull();
    expect(circuits.placement_batch_v2.constraints).toBeLessThan(circuits.placement_batch.constraints * 0.7);

    // Merkle inclusion at depth 20: the leaf is the left child at every level.
    const leaf = 42n;
    const pathElements = Array.from({ length: 20 }, (_, i) => BigInt(i + 1));
    let root = leaf;
    for (const sibling of pathElements) root = poseidon2([root, sibling]);
    const merkle = await prove('merkle_inclusion', {
      root: String(root),
      leaf: String(leaf),
      pathElements: pathElements.map(String),
      pathIndices: Array(20).fill('0'),
    });
    expect(await verifyOne({ vkey: circuits.merkle_inclusion.vkey, ...merkle })).toBe(true);
  });

  it('keeps the version 1 keys that stored placement proofs were made with', () => {
    // The vkey files of placement and placement_batch as of 2026-11-26: proofs in users' databases name these
    // circuits and verify only against these keys (docs/proofs.md, "Versions").
    expect(circuits.placement.vkeyId).toBe('3ad378b674612510ff51f6f6f594f61f1891c08d206b7ca9d1eb14ff0b05c440');
    expect(circuits.placement_batch.vkeyId).toBe('9d78a027df449ab8b55fdc6027cc113fc79bee577a79d28db39752295da50385');
  });

  it('the browser verifier is the installed snarkjs build', () => {
    const served = readFileSync(join(defaultZkDir(), '..', 'vendor', 'snarkjs.min.js'));
    const installed = readFileSync(
      join(defaultZkDir(), '..', '..', 'node_modules', 'snarkjs', 'build', 'snarkjs.min.js'),
    );
    expect(
      served.equals(installed),
      'public/vendor/snarkjs.min.js differs from node_modules/snarkjs: copy it again after upgrading snarkjs',
    ).toBe(true);
  });

  it('a corrupted artifact is named at load time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'entroos-zk-'));
    cpSync(defaultZkDir(), dir, { recursive: true });
    const zkey = join(dir, 'placement.zkey');
    const bytes = readFileSync(zkey);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(zkey, bytes);
    expect(() => loadArtifacts(dir)).toThrow(ArtifactError);
    expect(() => loadArtifacts(dir)).toThrow(/placement\.zkey does not match its checksum in manifest\.json/);
  });
});

describe('soundness', () => {
  let valid: VerifyItem;
  beforeAll(async () => {
    valid = { vkey: circuits.placement.vkey, ...(await prove('placement', { ...fits(0) })) };
  });

  it('a tampered proof, a tampered public signal and another circuit’s key each fail', async () => {
    const tamperedProof = {
      ...valid,
      proof: {
        ...valid.proof,
        pi_a: [String(BigInt(valid.proof.pi_a[0]) + 1n), valid.proof.pi_a[1], valid.proof.pi_a[2]],
      },
    };
    expect(await verifyOne(tamperedProof)).toBe(false);
    const signals = [...valid.publicSignals];
    signals[0] = String(BigInt(signals[0]) + 1n); // claims more free cpu than proved
    expect(await verifyOne({ ...valid, publicSignals: signals })).toBe(false);
    // A key of the same shape from another circuit (the batch key's first 6 IC points).
    const other = { ...circuits.placement_batch.vkey, nPublic: 5, IC: circuits.placement_batch.vkey.IC.slice(0, 6) };
    expect(await verifyOne({ ...valid, vkey: other })).toBe(false);
    expect(await snarkjs.groth16.verify(other, valid.publicSignals, valid.proof)).toBe(false);
  });

  it('rejects malformed input by name instead of answering true', async () => {
    await expect(verifyOne({ ...valid, publicSignals: valid.publicSignals.slice(1) })).rejects.toThrow(
      new ProofFormatError("publicSignals has 4 values; this circuit's key expects 5"),
    );
    await expect(
      verifyOne({ ...valid, publicSignals: [...valid.publicSignals.slice(0, 4), (2n ** 254n).toString()] }),
    ).rejects.toThrow(/publicSignals\[4\] is not below the scalar field order/);
    await expect(verifyOne({ ...valid, proof: { ...valid.proof, pi_b: [['1']] } as never })).rejects.toThrow(
      /pi_b must be 3 pairs/,
    );
  });

  it('an over-committing placement cannot be proved, nor one that wraps around the field', async () => {
    const over = placementWitness({ cpu: 4001, memory: 1, freeCpu: 4000, freeMemory: 10, freePods: 5 }, 7n);
    await expect(prove('placement', { ...over })).rejects.toThrow();
    const full = placementWitness({ cpu: 1, memory: 1, freeCpu: 4000, freeMemory: 10, freePods: 0 }, 7n);
    await expect(prove('placement', { ...full })).rejects.toThrow();
    // cpu = p - 1 would be "below" free cpu modulo p without the range checks.
    const wrap = { ...fits(0), cpu: '21888242871839275222246405745257275088548364400416034343698204186575808495616' };
    await expect(prove('placement', wrap)).rejects.toThrow();
  });

  it('version 2: an over-committing or wrapping request cannot be proved', async () => {
    const over = placementWitness({ cpu: 4001, memory: 1, freeCpu: 4000, freeMemory: 10, freePods: 5 }, 7n);
    await expect(prove('placement_v2', { ...over })).rejects.toThrow();
    const tooMuchMemory = placementWitness({ cpu: 1, memory: 11, freeCpu: 4000, freeMemory: 10, freePods: 5 }, 7n);
    await expect(prove('placement_v2', { ...tooMuchMemory })).rejects.toThrow();
    // p - 1 is "below" any free cpu modulo p; the request's own range check stops it.
    const wrap = { ...fits(0), cpu: '21888242871839275222246405745257275088548364400416034343698204186575808495616' };
    await expect(prove('placement_v2', wrap)).rejects.toThrow();
    // A request beyond the width (2^32 millicores) is not narrowed to fit: it cannot be proved.
    const huge = placementWitness({ cpu: 2 ** 33, memory: 1, freeCpu: 2 ** 40, freeMemory: 10, freePods: 5 }, 7n);
    expect(huge.freeCpu).toBe(String(2n ** 32n - 1n));
    await expect(prove('placement_v2', { ...huge })).rejects.toThrow();
  });

  it('version 2: public capacities are the verifier’s to check, with a reason', async () => {
    // The circuit no longer checks freePods >= 1 or the public widths: such a proof verifies against the key, and
    // the placement checks every verifier runs (server, browser, entroos-verify) reject it, saying why.
    const noSlot = await prove('placement_v2', {
      ...placementWitness({ cpu: 1, memory: 1, freeCpu: 4000, freeMemory: 10, freePods: 0 }, 7n),
    });
    expect(await verifyOne({ vkey: circuits.placement_v2.vkey, ...noSlot })).toBe(true);
    expect(placementSignalsProblem(noSlot.publicSignals)).toBe('freePods is 0: the node had no free pod slot');
    const wide = await prove('placement_v2', {
      ...placementWitness({ cpu: 1, memory: 1, freeCpu: 4000, freeMemory: 10, freePods: 1 }, 7n),
      freeMemory: String(2n ** 48n),
    });
    expect(await verifyOne({ vkey: circuits.placement_v2.vkey, ...wide })).toBe(true);
    expect(placementSignalsProblem(wide.publicSignals)).toBe(
      `freeMemory ${2n ** 48n} is out of range (at most ${2n ** 48n - 1n})`,
    );
    const signals = Array(5 * BATCH_SIZE).fill('1');
    signals[2 * BATCH_SIZE + 5] = '0';
    expect(placementSignalsProblem(signals)).toBe('slot 5: freePods is 0: the node had no free pod slot');
    signals[2 * BATCH_SIZE + 5] = '1';
    signals[3] = String(2n ** 32n);
    expect(placementSignalsProblem(signals)).toBe(
      `slot 3: freeCpu ${2n ** 32n} is out of range (at most ${2n ** 32n - 1n})`,
    );
  });

  it('a batch with one bad proof fails, and bisection names exactly that one', async () => {
    const items: VerifyItem[] = [];
    for (let i = 0; i < 6; i++)
      items.push({ vkey: circuits.placement.vkey, ...(await prove('placement', { ...fits(i) })) });
    items.push({
      vkey: circuits.placement_batch.vkey,
      ...(await prove('placement_batch', batchInput([fits(7), fits(8)]))),
    });
    expect(await verifyBatch(items)).toEqual({ ok: true, bad: [] });
    const signals = [...items[3].publicSignals];
    signals[1] = '1';
    items[3] = { ...items[3], publicSignals: signals };
    expect(await verifyBatch(items)).toEqual({ ok: false, bad: [3] });
  }, 60_000);
});
