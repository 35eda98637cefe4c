import { alreadyExists, badRequest, conflict, forbidden, isApiError, notFound } from '../../apimachinery/errors.ts';
import { typeByKey } from '../../apimachinery/registry.ts';
import type { ObjectApi } from '../../apiserver/object-api.ts';
import type { BallotExport } from '../../proofs/ballot-export.ts';
import { DECIMAL_FIELD, inviteHash, inviteSet, memberName, nullifierHex, voteName } from './ids.ts';
import { votingKey, type VotingKey } from './key.ts';
import { API_VERSION, RESOURCES, SIGNAL, type Ballot, type Group, type Member, type Vote } from './types.ts';

// What voters do without an account (an account would name them): enrol a commitment with an invite code, cast a
// vote, and read a ballot's export. The routes under app/(public)/apps/voting only parse and rate-limit; the rules
// are here and in admission. Nothing here logs, and nothing a voter sends besides the commitment or the proof is
// kept: the invite code is stored as its hash on the member it enrolled, the vote carries only its proof.

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

const text = (body: Record<string, unknown>, field: string, pattern?: RegExp, max = 253): string => {
  const v = body[field];
  if (typeof v !== 'string' || !v || v.length > max || (pattern && !pattern.test(v)))
    throw badRequest(`${field} must be ${pattern === NAME ? 'an object name' : 'a non-empty string'}`);
  return v;
};

const asRecord = (body: unknown): Record<string, unknown> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('the body must be a JSON object');
  return body as Record<string, unknown>;
};

// Invites used, per group uid: the route is the one public way to spend one, and enrolments of a group run one at
// a time, so a code cannot be spent twice between reading and writing.
const spent = new Map<string, Set<string>>();
const queues = new Map<string, Promise<unknown>>();
/** Where to start looking for a group's next free leaf. */
const nextLeaf = new Map<string, number>();

function spentInvites(api: ObjectApi, namespace: string, group: Group): Set<string> {
  const uid = group.metadata.uid ?? '';
  let set = spent.get(uid);
  if (!set) {
    set = new Set();
    const members = typeByKey(RESOURCES.members);
    for (let i = 0; ; i++) {
      const m = api.peek(members, namespace, memberName(group.metadata.name, i)) as Member | undefined;
      if (!m) break;
      if (m.spec.invite) set.add(m.spec.invite);
    }
    spent.set(uid, set);
  }
  return set;
}

interface Taken {
  index: number;
  /** The member's write, durable once it resolves. */
  done: Promise<unknown>;
}

export interface Enrolment {
  namespace: string;
  group: string;
  /** The leaf the commitment took. */
  index: number;
}

/** Enrols a commitment with a single-use invite code: POST /apps/voting/enrol {namespace, group, code, commitment}. */
export async function enrol(api: ObjectApi, input: unknown): Promise<Enrolment> {
  const body = asRecord(input);
  const namespace = text(body, 'namespace', NAME, 63);
  const groupName = text(body, 'group', NAME);
  const code = text(body, 'code', undefined, 200);
  const commitment = text(body, 'commitment', DECIMAL_FIELD, 78);
  const group = api.peek(typeByKey(RESOURCES.groups), namespace, groupName) as Group | undefined;
  if (!group) throw notFound(`groups.voting.entroos.io "${groupName}" not found`, { name: groupName, kind: 'groups' });
  const hash = inviteHash(code);
  if (!inviteSet(group).has(hash)) throw forbidden(`that is not an invite code of group "${groupName}"`);
  const k = group.metadata.uid ?? '';
  // Enrolments of a group take their leaf one at a time, up to the write entering the cache (where the next one
  // sees it); waiting for it to be durable happens outside the queue, so a burst commits together.
  const taken = (queues.get(k) ?? Promise.resolve()).then((): Promise<Taken | undefined> | Taken => {
    const used = spentInvites(api, namespace, group);
    if (used.has(hash)) throw conflict(`that invite code of group "${groupName}" was already used`);
    const members = typeByKey(RESOURCES.members);
    let index = nextLeaf.get(k) ?? 0;
    while (api.peek(members, namespace, memberName(groupName, index))) index++;
    const name = memberName(groupName, index);
    const done: Promise<unknown> = api.create(members, namespace, {
      apiVersion: API_VERSION,
      kind: 'Member',
      metadata: { name },
      spec: { group: groupName, index, commitment, invite: hash },
    });
    const stored = api.peek(members, namespace, name) as Member | undefined;
    if (stored?.spec.invite === hash) {
      used.add(hash);
      nextLeaf.set(k, index + 1);
      return { index, done };
    }
    // Refused (the error says why), or the leaf was taken meanwhile by a write through the API.
    return done.then(
      () => ({ index, done }),
      (err: unknown) => {
        if (isApiError(err) && err.reason === 'AlreadyExists') return undefined;
        throw err;
      },
    );
  });
  queues.set(
    k,
    taken.catch(() => undefined),
  );
  const result = await taken;
  // A leaf taken meanwhile through the API: again, from the next one (rare).
  if (!result) return enrol(api, input);
  try {
    await result.done;
  } catch (err) {
    // The write was reverted (a failed commit): the code is not spent.
    spent.get(k)?.delete(hash);
    nextLeaf.delete(k);
    throw err;
  }
  return { namespace, group: groupName, index: result.index };
}

export interface CastVote {
  namespace: string;
  ballot: string;
  /** The vote's name: a receipt to find it in the ballot's export. */
  name: string;
  nullifier: string;
}

/** Casts a vote: POST /apps/voting/votes {namespace, ballot, proof, publicSignals}. Admission decides. */
export async function castVote(api: ObjectApi, input: unknown): Promise<CastVote> {
  const body = asRecord(input);
  const namespace = text(body, 'namespace', NAME, 63);
  const ballot = text(body, 'ballot', NAME);
  const signals = body.publicSignals;
  if (
    !Array.isArray(signals) ||
    signals.length !== 5 ||
    signals.some((s) => typeof s !== 'string' || !DECIMAL_FIELD.test(s))
  )
    throw badRequest('publicSignals must be the 5 decimal public signals of a voting proof');
  const nullifier = (signals as string[])[SIGNAL.nullifier];
  const name = voteName(ballot, nullifier);
  try {
    await api.create(typeByKey(RESOURCES.votes), namespace, {
      apiVersion: API_VERSION,
      kind: 'Vote',
      metadata: { name },
      spec: { ballot, proof: body.proof, publicSignals: signals },
    });
  } catch (err) {
    if (isApiError(err) && err.reason === 'AlreadyExists')
      throw alreadyExists(
        `ballot "${ballot}" already has a vote with nullifier 0x${nullifierHex(nullifier)}: each member votes once`,
        { name, group: 'voting.entroos.io', kind: 'votes' },
      );
    throw err;
  }
  return { namespace, ballot, name, nullifier };
}

/** What the voter page shows of a ballot before it can vote: no tally until the ballot is closed. */
export interface BallotSummary {
  namespace: string;
  name: string;
  question: string;
  options: string[];
  group: string;
  state: string;
  opensAt?: string;
  closesAt?: string;
  votes: number;
  tally?: number[];
}

export function ballotSummary(api: ObjectApi, namespace: string, name: string): BallotSummary {
  const ballot = api.peek(typeByKey(RESOURCES.ballots), namespace, name) as Ballot | undefined;
  if (!ballot) throw notFound(`ballots.voting.entroos.io "${name}" not found`, { name, kind: 'ballots' });
  const state = ballot.status?.state ?? 'Draft';
  return {
    namespace,
    name,
    question: ballot.spec.question,
    options: ballot.spec.options,
    group: ballot.spec.group,
    state,
    ...(ballot.spec.opensAt ? { opensAt: ballot.spec.opensAt } : {}),
    ...(ballot.spec.closesAt ? { closesAt: ballot.spec.closesAt } : {}),
    votes: ballot.status?.votes ?? 0,
    ...(state === 'Closed' || state === 'Published' ? { tally: ballot.status?.tally ?? [] } : {}),
  };
}

/** A ballot's export: everything needed to check it offline (`npx entroos-verify ballot.json`). */
export function ballotExport(
  api: ObjectApi,
  namespace: string,
  name: string,
  key: VotingKey = votingKey(),
): BallotExport {
  const ballot = api.peek(typeByKey(RESOURCES.ballots), namespace, name) as Ballot | undefined;
  if (!ballot) throw notFound(`ballots.voting.entroos.io "${name}" not found`, { name, kind: 'ballots' });
  const status = ballot.status;
  if (!status?.root || !status.ballotId || status.groupSize === undefined)
    throw conflict(`ballot "${name}" has not opened: it has no frozen group yet`);
  const members: string[] = [];
  const memberType = typeByKey(RESOURCES.members);
  for (let i = 0; i < status.groupSize; i++) {
    const m = api.peek(memberType, namespace, memberName(ballot.spec.group, i)) as Member | undefined;
    if (!m) break;
    members.push(m.spec.commitment);
  }
  const votes = (api.cache.list(RESOURCES.votes, namespace).items as Vote[])
    .filter((v) => v.spec.ballot === name)
    .map((v) => ({
      name: v.metadata.name,
      nullifier: v.spec.publicSignals[SIGNAL.nullifier],
      option: Number(v.spec.publicSignals[SIGNAL.vote]),
      proof: v.spec.proof,
      publicSignals: v.spec.publicSignals,
    }));
  const { vkey, vkeyId } = key;
  return {
    kind: 'BallotExport',
    apiVersion: API_VERSION,
    exportedAt: new Date().toISOString(),
    ballot: {
      namespace,
      name,
      uid: ballot.metadata.uid ?? '',
      question: ballot.spec.question,
      options: ballot.spec.options,
      group: ballot.spec.group,
      state: status.state,
      ballotId: status.ballotId,
      root: status.root,
      groupSize: status.groupSize,
      ...(status.openedAt ? { openedAt: status.openedAt } : {}),
      ...(status.closedAt ? { closedAt: status.closedAt } : {}),
    },
    members,
    vkey: { vkeyId, vkey },
    votes,
    tally: status.tally,
  };
}
