// npm run bench:supply-chain — the supply-chain verifier on the demo dataset (the coffee chain the server seeds:
// 1,000 batches, ~3,000 attestations):
//  - attestations_verified_per_s: every batch's custody chain checked in this process with the app's own functions
//    (each attestation's ed25519 signature and statement, then the chain rules with the inputs' verdicts), nothing
//    cached, BENCH_ROUNDS passes over the whole dataset;
//  - scan_to_verdict_ms: Debian Chromium at 390×844 on the public scanning page, a PNG of a batch's QR code handed
//    to the photo fallback, until the verdict is on screen (BENCH_SCANS scans of different batches; the median,
//    with p95 and max beside it);
//  - zk_verify_batch_100_ms: 100 certified-custody proofs (circuits/certified_custody.circom, real proofs made here
//    for batches against a 100-member set) checked with one batch verification, median of 5; BENCH_ZK_PROOFS
//    distinct proofs (default 20) are repeated to 100 items — each item gets its own random coefficient, so an item
//    costs the same whether or not it repeats. One-by-one verification and proving time are printed beside it.
// Last line: one JSON object.
import { loadavg } from 'node:os';
import { chromium } from '@playwright/test';
import QRCode from 'qrcode';
import { CHROMIUM_ARGS } from '../playwright.config.ts';
import { machine, percentile, round, startBenchServer, type BenchServer } from './lib.ts';
import { evaluateBatch } from '../lib/apps/supply-chain/chain.ts';
import { verifyAttestation } from '../lib/apps/supply-chain/verify.ts';
import type { Attestation, Batch, BatchStatus, CertifiedSet, Participant } from '../lib/apps/supply-chain/types.ts';
import type * as snarkjs from 'snarkjs';
import { batchDigest, generateParticipantKey, parsePublicKey } from '../lib/apps/supply-chain/attestation.ts';
import { proveCertification } from '../lib/apps/supply-chain/certification.ts';
import { leafOfKey, merkleRoot } from '../lib/apps/supply-chain/merkle.ts';
import { loadArtifacts } from '../lib/proofs/artifacts.ts';
import { inProcessProver } from '../lib/proofs/prover.ts';
import { terminateCurve, verifyBatch, verifyOne } from '../lib/proofs/verify.ts';

const NS = 'coffee';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SCANS = Number(process.env.BENCH_SCANS ?? 20);
const ZK_PROOFS = Math.max(1, Math.min(100, Number(process.env.BENCH_ZK_PROOFS ?? 20)));
const BASE = `/apis/supplychain.entroos.io/v1/namespaces/${NS}`;

async function list<T>(server: BenchServer, plural: string): Promise<T[]> {
  const res = await fetch(`${server.url}${BASE}/${plural}`, { headers: { Authorization: `Bearer ${server.token}` } });
  if (!res.ok) throw new Error(`listing ${plural}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { items: T[] }).items;
}

/** Waits until the demo is seeded and the controller has a verdict for every batch. */
async function demoSettled(server: BenchServer): Promise<Batch[]> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const batches = await list<Batch>(server, 'batches').catch(() => [] as Batch[]);
    const pending = batches.filter((b) => (b.status?.phase ?? 'Pending') === 'Pending').length;
    if (batches.length >= 1000 && pending === 0) return batches;
    if (Date.now() > deadline)
      throw new Error(`the demo did not settle: ${batches.length} batches, ${pending} pending`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** One full pass: every batch in input order, each attestation verified afresh, then the chain rules. */
function verifyAll(
  batches: Batch[],
  attestationsOf: Map<string, Attestation[]>,
  participants: Map<string, Participant>,
) {
  const participantOf = (name: string) => participants.get(name);
  const byName = new Map(batches.map((b) => [b.metadata.name, b]));
  const statuses = new Map<string, BatchStatus>();
  let verified = 0;
  const visit = (b: Batch): BatchStatus => {
    const done = statuses.get(b.metadata.name);
    if (done) return done;
    const inputs = (b.spec.inputs ?? []).map((name) => {
      const input = byName.get(name);
      return { name, exists: !!input, status: input ? visit(input) : undefined };
    });
    const attestations = (attestationsOf.get(b.metadata.name) ?? []).map((attestation) => ({
      attestation,
      verdict: verifyAttestation(NS, attestation.spec, participantOf),
    }));
    verified += attestations.length;
    const status = evaluateBatch({ namespace: NS, batch: b, attestations, inputs });
    statuses.set(b.metadata.name, status);
    return status;
  };
  for (const b of batches) visit(b);
  return { verified, statuses };
}

async function scans(server: BenchServer, batches: Batch[]) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/apps/supply-chain/scan`);
    const input = page.getByLabel(/choose a photo of the code/i);
    // Spread over the chain: farm lots, co-op lots, roasts and bags, verified or not.
    const picks = Array.from({ length: SCANS + 1 }, (_, i) => batches[Math.floor((i * 997) % batches.length)]);
    const wall: number[] = [];
    const inPage: number[] = [];
    for (const [i, b] of picks.entries()) {
      const png = await QRCode.toBuffer(`${server.url}/apps/supply-chain/verify/${NS}/${b.metadata.name}`, {
        type: 'png',
        errorCorrectionLevel: 'M',
        margin: 4,
        scale: 8,
      });
      const started = performance.now();
      await input.setInputFiles({ name: `${b.metadata.name}.png`, mimeType: 'image/png', buffer: png });
      const shown = page.locator(`[data-testid="sc-scan-ms"]`);
      await page.waitForFunction(
        (name) => document.querySelector('[data-testid="sc-scan-result"] h2')?.textContent === name,
        b.metadata.name,
      );
      const ms = performance.now() - started;
      // The first scan loads the decoder and warms the server's route: reported, not counted.
      if (i === 0) {
        console.log(`first scan (cold): ${round(ms)} ms`);
        continue;
      }
      wall.push(ms);
      inPage.push(Number(await shown.getAttribute('data-ms')));
    }
    await context.close();
    return { wall: wall.sort((a, b) => a - b), inPage: inPage.sort((a, b) => a - b) };
  } finally {
    await browser.close();
  }
}

async function main() {
  console.log(`bench:supply-chain on ${machine()}; ${ROUNDS} verification passes, ${SCANS} scans`);
  // Figures from a busy machine are not comparable: say how busy it was.
  console.log(
    `load average (1, 5, 15 min): ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
  );
  const server = await startBenchServer({ ENTROOS_NODES: '0', ENTROOS_DEMO: 'true' });
  try {
    const seeding = performance.now();
    const batches = await demoSettled(server);
    console.log(
      `demo seeded and settled in ${round((performance.now() - seeding) / 1000)} s: ${batches.length} batches`,
    );
    const attestations = await list<Attestation>(server, 'attestations');
    const participants = new Map(
      (await list<Participant>(server, 'participants')).map((p) => [p.metadata.name, p] as const),
    );
    const attestationsOf = new Map<string, Attestation[]>();
    for (const a of attestations) {
      if (!a.spec.batch) continue;
      attestationsOf.set(a.spec.batch, [...(attestationsOf.get(a.spec.batch) ?? []), a]);
    }

    const rates: number[] = [];
    let last: ReturnType<typeof verifyAll> | undefined;
    for (let r = 0; r < ROUNDS; r++) {
      const started = performance.now();
      last = verifyAll(batches, attestationsOf, participants);
      const seconds = (performance.now() - started) / 1000;
      rates.push(last.verified / seconds);
      console.log(
        `pass ${r + 1}: ${last.verified} attestations of ${batches.length} batches in ${round(seconds * 1000)} ms`,
      );
    }
    // The same verdicts as the server's controller, or the figure measures something else.
    const differ = batches.filter((b) => last!.statuses.get(b.metadata.name)?.phase !== b.status?.phase);
    if (differ.length) throw new Error(`${differ.length} batches got another phase here than on the server`);
    const phases = new Map<string, number>();
    for (const s of last!.statuses.values()) phases.set(s.phase, (phases.get(s.phase) ?? 0) + 1);
    console.log(`phases (same as the server's): ${[...phases].map(([p, n]) => `${p} ${n}`).join(', ')}`);
    const perSecond = Math.round([...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]);
    console.log(`attestations verified per second (median of ${ROUNDS} passes): ${perSecond}`);

    const { wall, inPage } = await scans(server, batches);
    const median = round(percentile(wall, 50));
    console.log(
      `scan → verdict over ${wall.length} scans: median ${median} ms, p95 ${round(percentile(wall, 95))} ms, max ${round(wall[wall.length - 1])} ms (in the page, file chosen → verdict state: median ${round(percentile(inPage, 50))} ms)`,
    );
    const zk = await zkVerify();
    console.log(
      JSON.stringify({
        batches: batches.length,
        attestations: attestations.length,
        attestations_verified_per_s: perSecond,
        scan_to_verdict_ms: median,
        scan_to_verdict_p95_ms: round(percentile(wall, 95)),
        zk_verify_batch_100_ms: zk.batchMs,
        zk_verify_one_ms: zk.oneMs,
        zk_prove_ms: zk.proveMs,
      }),
    );
  } finally {
    await server.stop();
  }
}

/** Certified-custody proofs: made here with the real circuit, then verified 100 at a time. */
async function zkVerify(): Promise<{ batchMs: number; oneMs: number; proveMs: number }> {
  const circuits = loadArtifacts();
  const artifacts = circuits.certified_custody;
  const prover = inProcessProver(circuits);
  const members = Array.from({ length: 100 }, (_, i) => {
    const key = generateParticipantKey();
    const p: Participant = {
      metadata: { name: `facility-${i}`, namespace: 'bench', uid: `f${i}`, resourceVersion: '1' },
      spec: { roles: ['roaster'], publicKey: key.publicKey },
    };
    return p;
  });
  const leaves = members.map((m) => leafOfKey(parsePublicKey(m.spec.publicKey).raw));
  const set: CertifiedSet = {
    metadata: { name: 'bench', namespace: 'bench', uid: 'set', resourceVersion: '1' },
    spec: { members: members.map((m) => m.metadata.name) },
    status: {
      root: String(merkleRoot(leaves)),
      depth: 20,
      size: leaves.length,
      leaves: members.map((m, index) => ({ participant: m.metadata.name, index, leaf: String(leaves[index]) })),
    },
  };
  const made: { proof: snarkjs.Groth16Proof; publicSignals: string[] }[] = [];
  const proveTimes: number[] = [];
  for (let i = 0; i < ZK_PROOFS; i++) {
    const spec = { product: 'coffee', producer: 'farm', quantity: i, unit: 'kg' };
    const batch: Batch = {
      metadata: { name: `lot-${i}`, namespace: 'bench', uid: `b${i}`, resourceVersion: '1' },
      spec,
      status: { phase: 'Complete', reason: '', custody: [], digest: batchDigest('bench', `lot-${i}`, spec) },
    };
    const index = (i * 37) % members.length;
    const c = await proveCertification(prover, batch, set, { index }, members[index]);
    proveTimes.push(c.proveMs ?? 0);
    made.push({ proof: c.proof, publicSignals: c.publicSignals });
  }
  const items = Array.from({ length: 100 }, (_, i) => ({ vkey: artifacts.vkey, ...made[i % made.length] }));
  const batchTimes: number[] = [];
  for (let r = 0; r < 5; r++) {
    const started = performance.now();
    const { ok } = await verifyBatch(items);
    batchTimes.push(performance.now() - started);
    if (!ok) throw new Error('a certified-custody proof made here did not verify');
  }
  const oneTimes: number[] = [];
  for (const m of made) {
    const started = performance.now();
    await verifyOne({ vkey: artifacts.vkey, ...m });
    oneTimes.push(performance.now() - started);
  }
  await terminateCurve();
  for (const times of [batchTimes, oneTimes, proveTimes]) times.sort((a, b) => a - b);
  const result = {
    batchMs: round(percentile(batchTimes, 50)),
    oneMs: round(percentile(oneTimes, 50)),
    proveMs: round(percentile(proveTimes, 50)),
  };
  console.log(
    `certified custody: ${ZK_PROOFS} proofs made (prove median ${result.proveMs} ms, ${artifacts.constraints} constraints); 100 verified in one batch: median ${result.batchMs} ms (${round(Math.min(...batchTimes))}–${round(Math.max(...batchTimes))}) of 5; one by one ${result.oneMs} ms each`,
  );
  return result;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
