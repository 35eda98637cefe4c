import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';
import { proveVote } from '../helpers/voting.ts';
import { inviteHash, voteName } from '@/lib/apps/voting/ids.ts';
import { commitmentFor, newSecret, voteWitness } from '@/lib/apps/voting/voter.ts';
import type { BallotExport } from '@/lib/proofs/ballot-export.ts';
import type { Ballot, Group } from '@/lib/apps/voting/types.ts';

// Zero-knowledge voting through a real server: voters enrol a commitment with an invite code and vote without an
// account; admission admits a vote only with a proof that verifies against the ballot's frozen root, while the
// ballot is open, once per member (409 naming the ballot); the export verifies offline with entroos-verify, and a
// tampered export does not (exit 1 naming the vote).

const NS = 'default';
const BASE = `/apis/voting.entroos.io/v1/namespaces/${NS}`;
const codes = Array.from({ length: 4 }, () => randomBytes(12).toString('base64url'));
const secrets = [newSecret(), newSecret(), newSecret()];
const run = promisify(execFile);

let dataDir: string;
let server: TestServer;
let api: ReturnType<typeof client>;
let anonymous: ReturnType<typeof client>;

const ballotOf = async () => (await api.get<Ballot>(`${BASE}/ballots/b`)).body;
const exportOf = async () => (await anonymous.get<BallotExport>(`/apps/voting/ballots/${NS}/b/export`)).body;

async function voteFor(voter: number, option: number) {
  const data = await exportOf();
  const witness = voteWitness(
    data.members,
    secrets[voter],
    { ballotId: data.ballot.ballotId, root: data.ballot.root, options: data.ballot.options.length },
    option,
  );
  const { proof, publicSignals } = await proveVote({ ...witness });
  return { namespace: NS, ballot: 'b', proof, publicSignals };
}

async function verifyOffline(data: BallotExport) {
  const file = join(dataDir, `export-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(file, JSON.stringify(data));
  try {
    const { stdout } = await run(process.execPath, [join(ROOT, 'bin', 'entroos-verify.mjs'), file], { cwd: ROOT });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'entroos-voting-'));
  server = await startServer({ dataDir });
  api = client(server.url, await login(server.url));
  anonymous = client(server.url);
  await until(async () => (await api.get(`/apis/voting.entroos.io/v1`)).status === 200, 'the voting API');
  const group = await api.post(`${BASE}/groups`, {
    metadata: { name: 'g' },
    spec: { displayName: 'Board', inviteCodeHashes: codes.map(inviteHash) },
  });
  expect(group.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('voting', () => {
  it('enrols commitments with single-use invite codes, without an account', async () => {
    for (const [i, secret] of secrets.entries()) {
      const res = await anonymous.post('/apps/voting/enrol', {
        namespace: NS,
        group: 'g',
        code: codes[i],
        commitment: String(commitmentFor(secret)),
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ namespace: NS, group: 'g', index: i });
    }
    const reused = await anonymous.post('/apps/voting/enrol', {
      namespace: NS,
      group: 'g',
      code: codes[0],
      commitment: String(commitmentFor(newSecret())),
    });
    expect(reused.status).toBe(409);
    expect(reused.body.message).toMatch(/already used/);
    const wrong = await anonymous.post('/apps/voting/enrol', {
      namespace: NS,
      group: 'g',
      code: 'not-a-code',
      commitment: '12345',
    });
    expect(wrong.status).toBe(403);
    // The group stores hashes of the codes and commitments only.
    const members = (await api.get(`${BASE}/members`)).body.items;
    expect(members.map((m: { spec: { index: number } }) => m.spec.index)).toEqual([0, 1, 2]);
    expect(JSON.stringify(members)).not.toContain(codes[0]);
    const g = await until(async () => {
      const body = (await api.get<Group>(`${BASE}/groups/g`)).body;
      return body.status?.size === 3 ? body : undefined;
    }, 'the group root');
    expect(g?.status?.root).toMatch(/^\d+$/);
  });

  it('opens a ballot at its time with the group root frozen, and admits members’ votes', async () => {
    const created = await api.post(`${BASE}/ballots`, {
      metadata: { name: 'b' },
      spec: {
        question: 'Adopt the budget?',
        options: ['yes', 'no', 'abstain'],
        group: 'g',
        opensAt: new Date(Date.now() - 1000).toISOString(),
        closesAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect(created.status).toBe(201);
    const open = await until(async () => {
      const b = await ballotOf();
      return b.status?.state === 'Open' ? b : undefined;
    }, 'the ballot to open');
    const group = (await api.get<Group>(`${BASE}/groups/g`)).body;
    expect(open?.status).toMatchObject({ root: group.status?.root, groupSize: 3, tally: [0, 0, 0] });

    for (const [voter, option] of [
      [0, 0],
      [1, 1],
    ]) {
      const vote = await voteFor(voter, option);
      const res = await anonymous.post('/apps/voting/votes', vote);
      expect(res.status).toBe(201);
      expect(res.body.name).toBe(voteName('b', vote.publicSignals[0]));
    }
    await until(async () => JSON.stringify((await ballotOf()).status?.tally) === '[1,1,0]', 'the tally');
  }, 60_000);

  it('refuses a second vote of the same member with 409 naming the ballot, on either route', async () => {
    const again = await voteFor(0, 2);
    const res = await anonymous.post('/apps/voting/votes', again);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'AlreadyExists' });
    expect(res.body.message).toMatch(/^ballot "b" already has a vote with nullifier 0x[0-9a-f]{64}/);
    const viaApi = await api.post(`${BASE}/votes`, {
      metadata: { name: voteName('b', again.publicSignals[0]) },
      spec: { ballot: 'b', proof: again.proof, publicSignals: again.publicSignals },
    });
    expect(viaApi.status).toBe(409);
    expect(viaApi.body.message).toContain(`"b-`);
  }, 30_000);

  it('refuses a tampered proof, or a proof against another root, with 422 and stores nothing', async () => {
    const vote = await voteFor(2, 2);
    const changedOption = { ...vote, publicSignals: vote.publicSignals.map((s, i) => (i === 3 ? '1' : s)) };
    const res = await anonymous.post('/apps/voting/votes', changedOption);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'Invalid' });
    expect(res.body.details.causes[0]).toMatchObject({ field: 'spec.proof' });
    expect(res.body.message).toMatch(/the proof does not verify against the voting key/);
    const otherRoot = { ...vote, publicSignals: vote.publicSignals.map((s, i) => (i === 1 ? '7' : s)) };
    const root = await anonymous.post('/apps/voting/votes', otherRoot);
    expect(root.status).toBe(422);
    expect(root.body.message).toMatch(/not the group's root frozen when the ballot opened/);
    expect((await api.get(`${BASE}/votes/${voteName('b', vote.publicSignals[0])}`)).status).toBe(404);
  }, 30_000);

  it('refuses a vote after the ballot closed with 403, even before the controller marks it Closed', async () => {
    const vote = await voteFor(2, 2);
    const ballot = await ballotOf();
    const closed = await api.put(`${BASE}/ballots/b`, {
      ...ballot,
      spec: { ...ballot.spec, closesAt: new Date().toISOString(), publish: true },
    });
    expect(closed.status).toBe(200);
    const res = await anonymous.post('/apps/voting/votes', vote);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
    expect(res.body.message).toMatch(/ballot "b" is closed/);
    await until(async () => (await ballotOf()).status?.state === 'Published', 'the results to be published');
  }, 30_000);

  it('exports the ballot, which verifies offline; a tampered export exits 1 naming the bad vote', async () => {
    const data = await exportOf();
    expect(data).toMatchObject({
      kind: 'BallotExport',
      tally: [1, 1, 0],
      ballot: { state: 'Published', groupSize: 3 },
    });
    expect(data.votes).toHaveLength(2);
    const good = await verifyOffline(data);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/2\/2 votes valid, group root of 3 members matches, tally yes: 1, no: 1, abstain: 0/);

    const tampered: BallotExport = structuredClone(data);
    const victim = tampered.votes[0];
    const from = victim.option;
    victim.option = from === 0 ? 1 : 0;
    victim.publicSignals[3] = String(victim.option);
    tampered.tally[from] -= 1;
    tampered.tally[victim.option] += 1;
    const bad = await verifyOffline(tampered);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`INVALID vote ${victim.name}: its proof does not verify`);
  }, 60_000);
});
