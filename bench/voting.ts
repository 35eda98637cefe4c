// npm run bench:voting — the zero-knowledge voting app, in this process, on a SQLite store with the app's CRDs,
// admission and controller (no HTTP: the public routes only parse and rate-limit):
//  - group_10000_enrol_s: 10,000 enrolments with single-use invite codes through the app's enrol logic (each a
//    Member written through the object API, admission included), until the controller's group root covers all;
//  - vote_prove_ms: a vote's Groth16 proof (circuits/voting.circom, depth 20) in Debian's Chromium, by the voter
//    page's Web Worker (public/vendor/voting-prover.js, snarkjs's browser build), median of BENCH_PROOFS proofs
//    (public/ served by a bare static server; the witness input from the frozen 10,000-member group); the same
//    proofs in Node beside it;
//  - votes_verified_per_s: batch verification (one multi-pairing, lib/proofs/verify.ts) of 1,000 votes made of
//    the BENCH_PROOFS distinct proofs repeated (a copy costs what a new proof costs to verify);
//  - tally_verify_10000_s: the offline check of a 10,000-vote ballot as entroos-verify does it — the group root
//    from 10,000 commitments, the batch verification of 10,000 votes (copies, as above: 10,000 distinct proofs
//    would take hours to make here, and copies would fail the nullifier uniqueness check, which is therefore
//    timed on the real votes only), the tally recount.
// Besides: admission of one vote (the synchronous proof check inside the write), the voter's witness time.
// Last line: one JSON object.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config.ts';
import { loadConfig } from '../lib/config.ts';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import * as snarkjs from 'snarkjs';
import { machine, round, spread } from './lib.ts';
import { openStore } from '../lib/store/index.ts';
import { createApiServer } from '../lib/apiserver/index.ts';
import { startCrdRegistrar } from '../lib/apiserver/crd/registrar.ts';
import { typeByKey } from '../lib/apimachinery/registry.ts';
import { controllerContext } from '../lib/controllers/context.ts';
import { startCrdController } from '../lib/controllers/crd.ts';
import { appAdmission, appPolicies } from '../lib/apps/index.ts';
import { installCrds } from '../lib/apps/install.ts';
import { voting } from '../lib/apps/voting/index.ts';
import { startVotingController } from '../lib/apps/voting/controller.ts';
import { inviteHash } from '../lib/apps/voting/ids.ts';
import { ballotExport, castVote, enrol } from '../lib/apps/voting/public.ts';
import { commitmentFor, newSecret, voteWitness } from '../lib/apps/voting/voter.ts';
import { RESOURCES, type Ballot, type Group } from '../lib/apps/voting/types.ts';
import { PoseidonTree } from '../lib/proofs/poseidon-tree.ts';
import { badInBatches, tallyOf, verifyBallotExport } from '../lib/proofs/ballot-export.ts';
import { terminateCurve, verifyBatch, type VerifyItem } from '../lib/proofs/verify.ts';
import { votingKey } from '../lib/apps/voting/key.ts';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10_000);
const PROOFS = Number(process.env.BENCH_PROOFS ?? 5);
const CONCURRENCY = 64;
const NS = 'default';
const ZK = join(import.meta.dirname, '..', 'public', 'zk');

async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main() {
  const keepAlive = setInterval(() => undefined, 1000);
  console.log(
    `bench:voting on ${machine()}; ${MEMBERS} members, ${PROOFS} proofs; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'entroos-bench-voting-'));
  const log = pino({ level: 'silent' });
  const store = await openStore(`file:${join(dir, 'bench.db')}`, {
    secretKey: Buffer.from('ZW50cm9vcy10ZXN0LXNlY3JldC1rZXktMzItYnl0ZXM=', 'base64'),
  });
  const { api, events } = createApiServer(store, log, { eventQps: 50 });
  const registrar = startCrdRegistrar(api);
  api.setHooks({
    validateCustom: appAdmission(api, { config: loadConfig({}) }, [voting]),
    admit: appPolicies(api, [voting]),
  });
  if (!api.peek(typeByKey('namespaces'), undefined, NS))
    await api.create(typeByKey('namespaces'), undefined, { metadata: { name: NS } });
  const ctx = controllerContext(api, events, log);
  const crdController = startCrdController(ctx);
  await installCrds(api, voting.crds);
  const [controller] = startVotingController(ctx);

  // Enrolment.
  const codes = Array.from({ length: MEMBERS }, () => randomBytes(12).toString('base64url'));
  const secrets = Array.from({ length: MEMBERS }, (_, i) => (i < PROOFS ? newSecret() : BigInt(i + 1) * 7919n));
  const commitments = secrets.map((s) => String(commitmentFor(s)));
  const GROUPS = typeByKey(RESOURCES.groups);
  await api.create(GROUPS, NS, { metadata: { name: 'g' }, spec: { inviteCodeHashes: codes.map(inviteHash) } });
  let started = performance.now();
  // Voters enrol at once, up to CONCURRENCY in flight (as over HTTP).
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < MEMBERS; i = next++)
        await enrol(api, { namespace: NS, group: 'g', code: codes[i], commitment: commitments[i] });
    }),
  );
  const enrolledMs = performance.now() - started;
  const root = await waitFor(() => {
    const g = api.peek(GROUPS, NS, 'g') as Group | undefined;
    return g?.status?.size === MEMBERS ? g.status.root : undefined;
  }, 'the group root');
  const enrolS = (performance.now() - started) / 1000;
  console.log(
    `enrol: ${MEMBERS} members in ${round(enrolS, 2)} s (writes ${round(enrolledMs / 1000, 2)} s, then the root)`,
  );

  // A ballot, opened with the group frozen.
  const BALLOTS = typeByKey(RESOURCES.ballots);
  await api.create(BALLOTS, NS, {
    metadata: { name: 'b' },
    spec: {
      question: 'Adopt?',
      options: ['yes', 'no', 'abstain'],
      group: 'g',
      opensAt: new Date(Date.now() - 1000).toISOString(),
      closesAt: new Date(Date.now() + 3_600_000).toISOString(),
    },
  });
  const opened = await waitFor(() => {
    const b = api.peek(BALLOTS, NS, 'b') as Ballot | undefined;
    return b?.status?.state === 'Open' ? b : undefined;
  }, 'the ballot to open');
  if (opened.status?.root !== root) throw new Error('the ballot froze another root than the group’s');
  const data = ballotExport(api, NS, 'b');
  const ballot = { ballotId: data.ballot.ballotId, root: data.ballot.root, options: 3 };

  started = performance.now();
  const witnesses = secrets.slice(0, PROOFS).map((s, i) => voteWitness(data.members, s, ballot, i % 3));
  const witnessMs = (performance.now() - started) / PROOFS;
  const proveMs: number[] = [];
  const proofs: { proof: snarkjs.Groth16Proof; publicSignals: string[] }[] = [];
  for (const w of witnesses) {
    started = performance.now();
    proofs.push(await snarkjs.groth16.fullProve({ ...w }, join(ZK, 'voting.wasm'), join(ZK, 'voting.zkey')));
    proveMs.push(performance.now() - started);
  }
  const prove = spread(proveMs);
  console.log(
    `prove (Node, snarkjs): median ${round(prove.median)} ms (${round(prove.min)}–${round(prove.max)}); witness from ${MEMBERS} members ${round(witnessMs)} ms`,
  );
  const browser = spread(await proveInChromium(witnesses));
  console.log(
    `prove (Chromium, the voter page's worker): median ${round(browser.median)} ms (${round(browser.min)}–${round(browser.max)})`,
  );

  const admitMs: number[] = [];
  for (const p of proofs) {
    started = performance.now();
    await castVote(api, { namespace: NS, ballot: 'b', proof: p.proof, publicSignals: p.publicSignals });
    admitMs.push(performance.now() - started);
  }
  console.log(`admission of a vote (proof checked in the write): median ${round(spread(admitMs).median, 2)} ms`);
  await waitFor(() => {
    const b = api.peek(BALLOTS, NS, 'b') as Ballot | undefined;
    return b?.status?.votes === PROOFS ? true : undefined;
  }, 'the tally');

  // Batch verification.
  const { vkey } = votingKey();
  const items = (n: number): VerifyItem[] =>
    Array.from({ length: n }, (_, i) => ({
      vkey,
      proof: proofs[i % PROOFS].proof,
      publicSignals: proofs[i % PROOFS].publicSignals,
    }));
  await verifyBatch(items(PROOFS));
  started = performance.now();
  const thousand = await verifyBatch(items(1000));
  const perS = 1000 / ((performance.now() - started) / 1000);
  if (!thousand.ok) throw new Error('the batch did not verify');
  console.log(`batch verification: ${round(perS)} votes/s (1,000 votes)`);

  // The offline check at 10,000 votes.
  started = performance.now();
  const full = await verifyBallotExport(ballotExport(api, NS, 'b'));
  const realMs = performance.now() - started;
  if (!full.ok) throw new Error(`the export did not verify: ${JSON.stringify(full)}`);
  started = performance.now();
  const recomputed = new PoseidonTree(20, data.members.map(BigInt)).root();
  const big = items(10_000);
  const checked = { ok: !(await badInBatches(big)).length };
  tallyOf(
    3,
    big.map((i) => ({ spec: { publicSignals: i.publicSignals } })),
  );
  const tally10000S = (performance.now() - started) / 1000;
  if (String(recomputed) !== root || !checked.ok) throw new Error('the 10,000-vote check failed');
  console.log(
    `offline check: the real export (${PROOFS} votes, ${MEMBERS} members) ${round(realMs)} ms; 10,000 votes ${round(tally10000S, 2)} s`,
  );

  clearInterval(keepAlive);
  controller.stop();
  crdController.stop();
  registrar.stop();
  await terminateCurve();
  await (snarkjs as unknown as { curves?: { terminateAll?: () => Promise<void> } }).curves?.terminateAll?.();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      vote_prove_ms: round(browser.median),
      vote_prove_node_ms: round(prove.median),
      votes_verified_per_s: round(perS),
      tally_verify_10000_s: round(tally10000S, 2),
      group_10000_enrol_s: round(enrolS, 2),
      vote_admission_ms: round(spread(admitMs).median, 2),
      members: MEMBERS,
      load: round(loadavg()[0], 2),
    }),
  );
  process.exit(0);
}

/** Proves each witness in Chromium with the voter page's worker; the milliseconds from message to proof. */
async function proveInChromium(witnesses: unknown[]): Promise<number[]> {
  const PUBLIC = join(import.meta.dirname, '..', 'public');
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>prove</title>');
      return;
    }
    if (!/^\/(vendor|zk)\/[\w.-]+$/.test(path)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(join(PUBLIC, path));
      const type = path.endsWith('.js')
        ? 'text/javascript'
        : path.endsWith('.wasm')
          ? 'application/wasm'
          : 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const times: number[] = [];
    for (const input of witnesses) {
      const ms = await page.evaluate(
        (input) =>
          new Promise<number>((resolve, reject) => {
            const worker = new Worker('/vendor/voting-prover.js');
            const started = performance.now();
            worker.onmessage = (e: MessageEvent<{ type: string; message?: string }>) => {
              if (e.data.type === 'progress') return;
              worker.terminate();
              if (e.data.type === 'done') resolve(performance.now() - started);
              else reject(new Error(e.data.message));
            };
            worker.postMessage({ input });
          }),
        input,
      );
      times.push(ms);
    }
    return times;
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
