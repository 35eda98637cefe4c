import type { VerificationKey } from './artifacts.ts';
import { PoseidonTree, SNARK_FIELD } from './poseidon-tree.ts';
import { checkShape, ProofFormatError, type VerifyItem } from './proof-shape.ts';

// A ballot's export (GET /apps/voting/ballots/NS/NAME/export) checked whole, trusting nothing but the file: the
// group's root recomputed from the commitments frozen at opening, every vote's proof, its public signals against the
// ballot (root, ballot id, option count, option in range, the vote's name is its nullifier's), nullifiers unique,
// and the tally recounted. Pure, so it runs offline (`npx entroos-verify`, ballot-export.ts gives it the server's
// batch verifier) and in the browser (the voting app's verification page gives it snarkjs).

/** How the proofs are checked and the key named, by whoever runs the check. */
export interface BallotCheckDeps {
  /** The indexes of the items whose proofs do not verify. */
  badProofs(items: VerifyItem[]): Promise<number[]>;
  /** The key's id: sha256 (hex) of its JSON as the manifest hashes it. */
  keyId(vkeyJson: string): Promise<string> | string;
}

/** The order of circuits/voting.circom's public signals. */
export const VOTE_SIGNAL = { nullifier: 0, root: 1, ballotId: 2, vote: 3, numOptions: 4 } as const;

export interface BallotExportVote {
  name: string;
  nullifier: string;
  option: number;
  proof: unknown;
  publicSignals: string[];
}

export interface BallotExport {
  kind: 'BallotExport';
  apiVersion: 'voting.entroos.io/v1';
  exportedAt: string;
  ballot: {
    namespace: string;
    name: string;
    uid: string;
    question: string;
    options: string[];
    group: string;
    state: string;
    ballotId: string;
    root: string;
    groupSize: number;
    openedAt?: string;
    closedAt?: string;
  };
  /** The group's commitments in leaf order, as they were when the ballot opened (the first groupSize). */
  members: string[];
  vkey: { vkeyId: string; vkey: VerificationKey };
  votes: BallotExportVote[];
  tally: number[];
}

export interface BallotCheck {
  ok: boolean;
  /** Problems with the file as a whole (root, tally). */
  problems: string[];
  /** Bad votes, by name, with why. */
  badVotes: { name: string; problem: string }[];
  vkeyId: string;
  votes: number;
  tally: number[];
  ms: number;
}

/** The count per option of a ballot's votes, from the option their public signals carry. */
export function tallyOf(options: number, votes: { spec: { publicSignals: string[] } }[]): number[] {
  const tally = Array<number>(options).fill(0);
  for (const v of votes) {
    const option = Number(v.spec.publicSignals[VOTE_SIGNAL.vote]);
    if (Number.isInteger(option) && option >= 0 && option < options) tally[option] += 1;
  }
  return tally;
}

export async function checkBallot(data: BallotExport, deps: BallotCheckDeps): Promise<BallotCheck> {
  const started = performance.now();
  const problems: string[] = [];
  const badVotes: { name: string; problem: string }[] = [];
  const { ballot } = data;
  const vkeyId = await deps.keyId(JSON.stringify(data.vkey.vkey, null, 1));

  const members = data.members.slice(0, ballot.groupSize);
  if (members.length !== ballot.groupSize)
    problems.push(`the file lists ${data.members.length} members; the ballot froze a group of ${ballot.groupSize}`);
  let root: bigint | undefined;
  try {
    root = new PoseidonTree(20, members.map(BigInt)).root();
  } catch (err) {
    problems.push(`the members do not make a tree: ${(err as Error).message}`);
  }
  if (root !== undefined && String(root) !== ballot.root)
    problems.push(`the members' root is ${root}, not the ballot's root ${ballot.root}`);

  const seen = new Map<string, string>();
  const items: VerifyItem[] = [];
  const itemVotes: BallotExportVote[] = [];
  const counted: BallotExportVote[] = [];
  for (const v of data.votes) {
    const s = v.publicSignals;
    const problem = (() => {
      let shaped;
      try {
        shaped = checkShape(data.vkey.vkey, v.proof, s);
      } catch (err) {
        if (err instanceof ProofFormatError) return `malformed: ${err.message}`;
        throw err;
      }
      if (s[VOTE_SIGNAL.root] !== ballot.root) return "its root is not the ballot's";
      if (s[VOTE_SIGNAL.ballotId] !== ballot.ballotId) return "its ballot id is not this ballot's";
      if (s[VOTE_SIGNAL.numOptions] !== String(ballot.options.length)) return 'its option count is not the ballot’s';
      if (BigInt(s[VOTE_SIGNAL.vote]) >= BigInt(ballot.options.length)) return 'its option is out of range';
      if (String(v.option) !== s[VOTE_SIGNAL.vote]) return 'its option is not the one its proof carries';
      if (v.nullifier !== s[VOTE_SIGNAL.nullifier]) return 'its nullifier is not the one its proof carries';
      const nullifier = BigInt(s[VOTE_SIGNAL.nullifier]);
      if (nullifier >= SNARK_FIELD) return 'its nullifier is not a field element';
      if (v.name !== `${ballot.name}-${nullifier.toString(16).padStart(64, '0')}`)
        return 'its name is not its nullifier’s';
      const first = seen.get(s[VOTE_SIGNAL.nullifier]);
      if (first) return `its nullifier was already used by vote ${first} (a double vote)`;
      seen.set(s[VOTE_SIGNAL.nullifier], v.name);
      items.push({ vkey: data.vkey.vkey, ...shaped });
      itemVotes.push(v);
      return undefined;
    })();
    if (problem) badVotes.push({ name: v.name, problem });
  }
  const badProofs = new Set(await deps.badProofs(items));
  itemVotes.forEach((v, i) => {
    if (badProofs.has(i)) badVotes.push({ name: v.name, problem: 'its proof does not verify' });
    else counted.push(v);
  });
  const tally = tallyOf(
    ballot.options.length,
    counted.map((v) => ({ spec: { publicSignals: v.publicSignals } })),
  );
  if (JSON.stringify(tally) !== JSON.stringify(data.tally))
    problems.push(`the tally recounted from the valid votes is [${tally}], the file claims [${data.tally}]`);
  return {
    ok: !problems.length && !badVotes.length,
    problems,
    badVotes,
    vkeyId,
    votes: data.votes.length,
    tally,
    ms: Math.round(performance.now() - started),
  };
}
