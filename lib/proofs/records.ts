import { ApiError, badRequest, notFound } from '../apimachinery/errors.ts';
import type { Store } from '../store/index.ts';
import type { CircuitArtifacts } from './artifacts.ts';
import type { PublicPlacement, StoredProof } from '../store/index.ts';
import { CIRCUITS, type CircuitName } from './artifacts.ts';
import { proofMetrics } from './metrics.ts';
import { isPlacementCircuit, placementSignalsProblem } from './placement-checks.ts';
import { checkShape, ProofFormatError, verifyBatch, type VerifyItem } from './verify.ts';

// What the proofs API serves and checks: proof records (never the salts or
// requests that open a commitment), verification of stored or submitted
// proofs, and the export file that `npx entroos-verify` checks offline.

export const isCircuit = (name: unknown): name is CircuitName =>
  typeof name === 'string' && (CIRCUITS as readonly string[]).includes(name);

export function publicProof(row: StoredProof) {
  return {
    id: row.id,
    circuit: row.circuit,
    vkeyId: row.vkeyId,
    status: row.status,
    proveMs: row.proveMs,
    createdAt: row.createdAt,
    verifiedAt: row.verifiedAt,
    proof: JSON.parse(row.proof),
    publicSignals: JSON.parse(row.publicSignals) as string[],
  };
}

/** The answer of GET /apis/entroos.io/v1/proofs: placements, newest first, and the proof batches by status. */
export interface PlacementList {
  kind: 'PlacementList';
  apiVersion: 'entroos.io/v1';
  counts: Record<string, number>;
  /** Bindings waiting for their batch to be proved. */
  queued: number;
  items: PublicPlacement[];
}

/** What the proofs API reads: stored proofs and the circuits' verification keys. */
export interface ProofDeps {
  store: Store;
  circuits: Record<CircuitName, CircuitArtifacts>;
}

async function getProof(platform: ProofDeps, id: string) {
  const row = await platform.store.proofs.getProof(id);
  if (!row) throw notFound(`proof "${id}" not found`, { kind: 'proofs', name: id });
  return { kind: 'PlacementProof', apiVersion: 'entroos.io/v1', ...publicProof(row), placements: row.placements };
}

/**
 * Verifies items on the server; a malformed one is a 400 naming it (never a 500, never "valid"). A placement proof
 * is also checked against its public signals (placement-checks.ts); `reasons` says why each bad one is bad.
 */
async function check(
  items: VerifyItem[],
  circuits: string[],
  label: (i: number) => string,
): Promise<{ bad: number[]; reasons: Map<number, string> }> {
  items.forEach((item, i) => {
    try {
      checkShape(item.vkey, item.proof, item.publicSignals);
    } catch (err) {
      if (err instanceof ProofFormatError) throw badRequest(`${label(i)}: ${err.message}`);
      throw err;
    }
  });
  const reasons = new Map<number, string>();
  items.forEach((item, i) => {
    const problem = isPlacementCircuit(circuits[i]) ? placementSignalsProblem(item.publicSignals) : null;
    if (problem) reasons.set(i, problem);
  });
  const rest = items.map((_, i) => i).filter((i) => !reasons.has(i));
  const started = performance.now();
  try {
    const { bad } = await verifyBatch(rest.map((i) => items[i]));
    for (const j of bad) reasons.set(rest[j], 'the proof does not verify against the circuit key');
  } finally {
    proofMetrics().verifySeconds.observe((performance.now() - started) / 1000);
  }
  return { bad: [...reasons.keys()].sort((a, b) => a - b), reasons };
}

/** Verifies stored proofs (by id, or the oldest `limit`) in one batch and records each one's status. */
async function verifyStored(platform: ProofDeps, ids: string[] | undefined, limit = 1000) {
  const rows = await platform.store.proofs.listProofs(ids, limit);
  if (ids) {
    const missing = ids.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) throw notFound(`proof "${missing[0]}" not found`, { kind: 'proofs', name: missing[0] });
  }
  const items = rows.map((row) => ({
    vkey: platform.circuits[row.circuit as CircuitName].vkey,
    proof: JSON.parse(row.proof),
    publicSignals: JSON.parse(row.publicSignals),
  }));
  const { bad, reasons } = await check(
    items,
    rows.map((r) => r.circuit),
    (i) => `proof ${rows[i].id}`,
  );
  const invalid = bad.map((i) => rows[i].id);
  const verified = rows.map((r) => r.id).filter((id) => !invalid.includes(id));
  await platform.store.proofs.setStatus(verified, 'verified');
  await platform.store.proofs.setStatus(invalid, 'invalid');
  return {
    kind: 'ProofVerification',
    apiVersion: 'entroos.io/v1',
    valid: invalid.length === 0,
    verified,
    invalid,
    reasons: Object.fromEntries(bad.map((i) => [rows[i].id, reasons.get(i)])),
  };
}

export interface SubmittedProof {
  circuit: string;
  proof: unknown;
  publicSignals: unknown;
}

/** Verifies proofs sent in the request against this server's keys. */
async function verifySubmitted(platform: ProofDeps, proofs: SubmittedProof[]) {
  const items = proofs.map((p, i) => {
    if (!isCircuit(p.circuit))
      throw badRequest(
        `proofs[${i}].circuit: unknown circuit "${String(p.circuit)}"; use one of ${CIRCUITS.join(', ')}`,
      );
    return { vkey: platform.circuits[p.circuit].vkey, proof: p.proof, publicSignals: p.publicSignals } as VerifyItem;
  });
  const { bad, reasons } = await check(
    items,
    proofs.map((p) => p.circuit),
    (i) => `proofs[${i}]`,
  );
  return {
    kind: 'ProofVerification',
    apiVersion: 'entroos.io/v1',
    valid: bad.length === 0,
    results: items.map((_, i) => !bad.includes(i)),
    /** Why each invalid proof is invalid (null for a valid one). */
    reasons: items.map((_, i) => reasons.get(i) ?? null),
  };
}

/** Every proof of the cluster (up to `limit`) with the keys to check them: the file `npx entroos-verify` reads. */
async function exportProofs(platform: ProofDeps, limit: number) {
  const rows = await platform.store.proofs.listProofs(undefined, limit);
  const proofs = await Promise.all(
    rows.map(async (row) => ({
      ...publicProof(row),
      placements: (await platform.store.proofs.getProof(row.id))?.placements ?? [],
    })),
  );
  const used = new Set(rows.map((r) => r.circuit as CircuitName));
  return {
    kind: 'ProofExport',
    apiVersion: 'entroos.io/v1',
    exportedAt: new Date().toISOString(),
    vkeys: Object.fromEntries(
      [...used].map((c) => [c, { vkeyId: platform.circuits[c].vkeyId, vkey: platform.circuits[c].vkey }]),
    ),
    proofs,
  };
}

function vkeyOf(platform: ProofDeps, circuit: string) {
  if (!isCircuit(circuit))
    throw new ApiError(404, 'NotFound', `unknown circuit "${circuit}"; use one of ${CIRCUITS.join(', ')}`);
  return { circuit, vkeyId: platform.circuits[circuit].vkeyId, vkey: platform.circuits[circuit].vkey };
}

/**
 * The proofs API's domain functions, bound to the platform. Built by
 * lib/start.ts and reached by route handlers through the platform, so the
 * verifier (ffjavascript, WASM threads) stays out of the Next bundles.
 */
export function createProofApi(platform: ProofDeps) {
  return {
    getProof: (id: string) => getProof(platform, id),
    verifyStored: (ids?: string[]) => verifyStored(platform, ids),
    verifySubmitted: (proofs: SubmittedProof[]) => verifySubmitted(platform, proofs),
    exportProofs: (limit: number) => exportProofs(platform, limit),
    vkeyOf: (circuit: string) => vkeyOf(platform, circuit),
  };
}

export type ProofApi = ReturnType<typeof createProofApi>;
