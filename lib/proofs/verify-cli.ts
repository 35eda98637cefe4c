import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { VerificationKey } from './artifacts.ts';
import { isPlacementCircuit, placementSignalsProblem, SIGNALS_PER_PLACEMENT, slotSignals } from './placement-checks.ts';
import { checkShape, ProofFormatError, terminateCurve, verifyBatch, type VerifyItem } from './verify.ts';
import { verifyBallotExport, type BallotExport } from './ballot-export.ts';
import { join } from 'node:path';
import { defaultZkDir } from './artifacts.ts';
import { checkCertifiedCustody, type CertifiedCustodyClaim } from './certified-custody.ts';
import { checkConversionBundle, conversionInput, type ConversionBundle } from './conversion-bundle.ts';

// entroos-verify FILE [--one-by-one]: verifies every proof in an export
// (GET /apis/entroos.io/v1/proofs/export) with one batch check, naming bad
// proofs by bisection; exit code 0 only when all are valid. A ballot export (kind BallotExport, from
// GET /apps/voting/ballots/NS/NAME/export) is checked whole: root, every vote, nullifiers, tally.

const USAGE =
  "usage: npx entroos-verify proofs.json [--one-by-one] [--vkey FILE]\n  proofs.json: the file from the dashboard (Proofs → Export) or GET /apis/entroos.io/v1/proofs/export,\n  or a ballot export (GET /apps/voting/ballots/NAMESPACE/NAME/export),\n  or a batch verdict with certified-custody proofs (GET /apps/supply-chain/verdicts/NAMESPACE/NAME; --vkey: the\n  certified_custody.vkey.json the cluster publishes at /zk/, default this installation's)";

interface ExportFile {
  kind?: string;
  vkeys?: Record<string, { vkeyId?: string; vkey: VerificationKey }>;
  proofs?: {
    id: string;
    circuit: string;
    vkeyId?: string;
    proof: unknown;
    publicSignals: unknown;
    placements?: {
      slot: number;
      bindingId: string;
      namespace: string;
      name: string;
      node: string;
      commitment: string;
    }[];
  }[];
}

function fail(message: string, code = 2): never {
  console.error(`entroos-verify: ${message}`);
  process.exit(code);
}

async function main() {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file || args.includes('--help')) fail(USAGE);
  let data: ExportFile;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    fail(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (data.kind === 'BallotExport') return verifyBallot(data as unknown as BallotExport);
  if (data.kind === 'ConversionVerification') return verifyConversion(data as unknown as ConversionBundle, args);
  if (data.kind === 'BatchVerdict') return verifyBatchVerdict(data as unknown as BatchVerdictFile, args);
  if (data.kind !== 'ProofExport' || !data.vkeys || !Array.isArray(data.proofs))
    fail(`${file} is not an EntroOS proof export (kind ProofExport with vkeys and proofs)`);
  for (const [circuit, { vkeyId, vkey }] of Object.entries(data.vkeys)) {
    const id = createHash('sha256')
      .update(JSON.stringify(vkey, null, 1))
      .digest('hex');
    console.log(`key ${circuit}: ${vkeyId ?? id}${vkeyId && vkeyId !== id ? ' (as exported)' : ''}`);
  }
  const items: VerifyItem[] = [];
  /** Proofs whose public signals cannot stand for placements, and why (they are not sent to the curve). */
  const rejected = new Map<number, string>();
  for (const [i, p] of data.proofs.entries()) {
    const key = data.vkeys[p.circuit];
    if (!key) fail(`proof ${p.id ?? i}: no verification key for circuit "${p.circuit}" in the file`);
    try {
      items.push({ vkey: key.vkey, ...checkShape(key.vkey, p.proof, p.publicSignals) });
    } catch (err) {
      if (err instanceof ProofFormatError) fail(`proof ${p.id ?? i} is malformed: ${err.message}`);
      throw err;
    }
    // Each placement's commitment and binding id must be what the proof's public signals say, and the free
    // capacities must be well-formed with a free pod slot (checked here, not in the version 2 circuits).
    const signals = p.publicSignals as string[];
    if (isPlacementCircuit(p.circuit)) {
      const problem = placementSignalsProblem(signals);
      if (problem) rejected.set(items.length - 1, problem);
    }
    for (const pl of p.placements ?? []) {
      const s = slotSignals(signals, pl.slot);
      if (
        !Number.isInteger(pl.slot) ||
        pl.slot < 0 ||
        pl.slot >= signals.length / SIGNALS_PER_PLACEMENT ||
        s.commitment !== pl.commitment ||
        s.bindingId !== pl.bindingId
      ) {
        fail(
          `proof ${p.id}: placement ${pl.namespace}/${pl.name} does not match the proof's public signals (slot ${pl.slot})`,
          1,
        );
      }
    }
  }
  const placements = data.proofs.reduce((n, p) => n + (p.placements?.length ?? 0), 0);
  const started = performance.now();
  const rest = items.map((_, i) => i).filter((i) => !rejected.has(i));
  let failed: number[];
  if (args.includes('--one-by-one')) {
    failed = [];
    for (const i of rest) if (!(await verifyBatch([items[i]])).ok) failed.push(i);
  } else failed = (await verifyBatch(rest.map((i) => items[i]))).bad.map((j) => rest[j]);
  const ms = Math.round(performance.now() - started);
  await terminateCurve();
  for (const i of failed) rejected.set(i, 'the proof does not verify against its key');
  const bad = [...rejected.keys()].sort((a, b) => a - b);
  for (const i of bad)
    console.log(`INVALID proof ${data.proofs[i].id} (${data.proofs[i].circuit}): ${rejected.get(i)}`);
  console.log(
    `${items.length - bad.length}/${items.length} proofs valid, covering ${placements} placements (${ms} ms)`,
  );
  process.exit(bad.length ? 1 : 0);
}

async function verifyBallot(data: BallotExport) {
  if (!data.ballot || !Array.isArray(data.members) || !Array.isArray(data.votes) || !data.vkey?.vkey)
    fail('the file is not a complete ballot export (ballot, members, vkey and votes)');
  const { ballot } = data;
  console.log(`ballot ${ballot.namespace}/${ballot.name}: ${JSON.stringify(ballot.question)} (${ballot.state})`);
  const check = await verifyBallotExport(data);
  await terminateCurve();
  console.log(
    `key voting: ${check.vkeyId}${data.vkey.vkeyId !== check.vkeyId ? ` (exported as ${data.vkey.vkeyId})` : ''}`,
  );
  for (const problem of check.problems) console.log(`INVALID ballot: ${problem}`);
  for (const { name, problem } of check.badVotes) console.log(`INVALID vote ${name}: ${problem}`);
  const valid = check.votes - check.badVotes.length;
  console.log(
    `${valid}/${check.votes} votes valid, group root of ${ballot.groupSize} members ${check.problems.some((p) => p.includes('root')) ? 'does NOT match' : 'matches'}, tally ${ballot.options.map((o, i) => `${o}: ${check.tally[i]}`).join(', ')} (${check.ms} ms)`,
  );
  process.exit(check.ok ? 0 : 1);
}

interface BatchVerdictFile {
  namespace: string;
  name: string;
  certified?: CertifiedCustodyClaim[];
}

/**
 * A batch's public verdict (GET /apps/supply-chain/verdicts/NAMESPACE/NAME) with certified-custody proofs: each is
 * checked against its set's root and the batch's digest as the file states them, with the circuit's key from
 * `--vkey FILE` or this installation's public/zk.
 */
async function verifyBatchVerdict(data: BatchVerdictFile, args: string[]) {
  const at = args.indexOf('--vkey');
  const vkeyFile = at >= 0 ? args[at + 1] : join(defaultZkDir(), 'certified_custody.vkey.json');
  if (!vkeyFile) fail('--vkey needs a file: the certified_custody.vkey.json the cluster publishes at /zk/');
  let text: string;
  try {
    text = readFileSync(vkeyFile, 'utf8');
  } catch (err) {
    fail(`cannot read the verification key ${vkeyFile}: ${(err as Error).message}`);
  }
  const vkey = JSON.parse(text) as VerificationKey;
  console.log(`key certified_custody: ${createHash('sha256').update(text).digest('hex')} (${vkeyFile})`);
  const proofs = data.certified ?? [];
  if (!proofs.length)
    fail(`${data.namespace}/${data.name}: the verdict carries no certified-custody proof (disclose: certified)`, 1);
  let bad = 0;
  for (const c of proofs) {
    const problem = await checkCertifiedCustody(
      (proof, publicSignals) => verifyBatch([{ vkey, ...checkShape(vkey, proof, publicSignals) }]).then((r) => r.ok),
      c,
      { root: c.root, digest: c.digest },
    );
    if (problem) bad++;
    console.log(
      `${problem ? 'INVALID' : 'valid  '} ${data.namespace}/${data.name} certified in ${c.set}${problem ? `: ${problem}` : ''}`,
    );
  }
  await terminateCurve();
  process.exit(bad ? 1 : 0);
}

/** A converted file against its conversion's verification bundle (conversion-bundle.ts). */
async function verifyConversion(bundle: ConversionBundle, args: string[]) {
  const at = args.indexOf('--file');
  const output = at >= 0 ? args[at + 1] : undefined;
  if (at >= 0 && !output) fail('--file needs the converted file to check');
  const checks = await checkConversionBundle(bundle, output);
  await terminateCurve();
  for (const c of checks) console.log(`${c.ok ? 'ok     ' : 'INVALID'} ${c.name}: ${c.detail}`);
  const ok = checks.every((c) => c.ok);
  if (ok)
    console.log(
      `valid: ${output ? 'the output is' : 'the bundle holds'} the attested conversion of ${conversionInput(bundle) ?? 'its input'}`,
    );
  process.exit(ok ? 0 : 1);
}

main().catch((err) => fail(`verification failed: ${(err as Error).message}`));
