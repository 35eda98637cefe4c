import type { KubeObject } from '../../apimachinery/object.ts';
import { jsonEqual } from '../../apimachinery/patch.ts';
import { typeByKey } from '../../apimachinery/registry.ts';
import { isApiError } from '../../apimachinery/errors.ts';
import type { ObjectApi } from '../../apiserver/object-api.ts';
import type { ControllerContext } from '../../controllers/context.ts';
import { WorkQueue } from '../../controllers/queue.ts';
import { followResource } from '../../controllers/follow.ts';
import type { CacheListener } from '../../store/watch-cache.ts';
import { PoseidonTree, VOTING_TREE_DEPTH } from '../../proofs/poseidon-tree.ts';
import type { AppController } from '../types.ts';
import { ballotIdOf, memberName } from './ids.ts';
import { tallyOf } from '../../proofs/ballot-export.ts';
import { RESOURCES, type Ballot, type Group, type Member, type Vote } from './types.ts';

// The voting controller. Groups: the Poseidon root of their members, appended to a cached tree as members enrol
// (a burst of enrolments costs one root, not one per member). Ballots: opened and closed at their times — the
// group's root, its size and the ballot's circuit id frozen in the status at opening — and the tally kept from
// the admitted votes. It logs keys only: never a commitment, an invite or a vote's option.

const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
const split = (k: string) => {
  const at = k.indexOf('/');
  return { namespace: k.slice(0, at), name: k.slice(at + 1) };
};

/** A group's tree, brought up to date from its Member objects (leaf i is GROUP-i). */
export class GroupTrees {
  private trees = new Map<string, { uid: string; tree: PoseidonTree }>();

  constructor(private api: ObjectApi) {}

  tree(namespace: string, group: Group): PoseidonTree {
    const k = key(namespace, group.metadata.name);
    let entry = this.trees.get(k);
    if (!entry || entry.uid !== group.metadata.uid) {
      entry = { uid: group.metadata.uid ?? '', tree: new PoseidonTree(VOTING_TREE_DEPTH) };
      this.trees.set(k, entry);
    }
    const members = typeByKey(RESOURCES.members);
    for (;;) {
      const m = this.api.peek(members, namespace, memberName(group.metadata.name, entry.tree.size)) as
        Member | undefined;
      if (!m) break;
      entry.tree.append(BigInt(m.spec.commitment));
    }
    return entry.tree;
  }

  /** A member was removed: the group's tree is rebuilt from what is left. */
  forget(namespace: string, group: string) {
    this.trees.delete(key(namespace, group));
  }
}

export function startVotingController({ api, log }: ControllerContext): AppController[] {
  const GROUPS = typeByKey(RESOURCES.groups);
  const MEMBERS = typeByKey(RESOURCES.members);
  const BALLOTS = typeByKey(RESOURCES.ballots);
  const VOTES = typeByKey(RESOURCES.votes);
  const trees = new GroupTrees(api);
  // ballot key → names of its votes.
  const votesOf = new Map<string, Set<string>>();

  const groups = new WorkQueue(reconcileGroup, (k, err) => log.warn({ err, key: k }, 'voting group reconcile failed'));
  const ballots = new WorkQueue(reconcileBallot, (k, err) => log.warn({ err, key: k }, 'ballot reconcile failed'));

  const unsubscribe: (() => void)[] = [];
  const follow = (resource: string, onEvent: CacheListener) =>
    unsubscribe.push(followResource(api.cache, resource, onEvent));

  follow(MEMBERS.key, (e) => {
    const m = e.object as Member;
    if (e.type === 'DELETED') trees.forget(m.metadata.namespace ?? '', m.spec.group);
    groups.add(key(m.metadata.namespace, m.spec.group));
  });
  follow(GROUPS.key, (e) => {
    if (e.type === 'DELETED') trees.forget(e.object.metadata.namespace ?? '', e.object.metadata.name);
    else groups.add(key(e.object.metadata.namespace, e.object.metadata.name));
  });
  follow(VOTES.key, (e) => {
    const v = e.object as Vote;
    const k = key(v.metadata.namespace, v.spec.ballot);
    let names = votesOf.get(k);
    if (e.type === 'DELETED') names?.delete(v.metadata.name);
    else {
      if (!names) votesOf.set(k, (names = new Set()));
      names.add(v.metadata.name);
    }
    ballots.add(k);
  });
  follow(BALLOTS.key, (e) => {
    const k = key(e.object.metadata.namespace, e.object.metadata.name);
    if (e.type === 'DELETED') votesOf.delete(k);
    else ballots.add(k);
  });

  async function reconcileGroup(k: string): Promise<void> {
    const { namespace, name } = split(k);
    const group = api.peek(GROUPS, namespace, name) as Group | undefined;
    if (!group || group.metadata.deletionTimestamp) return;
    const tree = trees.tree(namespace, group);
    const status = {
      size: tree.size,
      root: String(tree.root()),
      depth: VOTING_TREE_DEPTH,
      observedGeneration: generationOf(group),
    };
    if (jsonEqual(status, group.status)) return;
    await writeStatus(GROUPS, group, status);
  }

  async function reconcileBallot(k: string): Promise<void> {
    const { namespace, name } = split(k);
    const ballot = api.peek(BALLOTS, namespace, name) as Ballot | undefined;
    if (!ballot || ballot.metadata.deletionTimestamp) return;
    const now = Date.now();
    const opensAt = ballot.spec.opensAt ? Date.parse(ballot.spec.opensAt) : undefined;
    const closesAt = ballot.spec.closesAt ? Date.parse(ballot.spec.closesAt) : undefined;
    const previous = ballot.status;
    const status: NonNullable<Ballot['status']> = {
      state: previous?.state ?? 'Draft',
      tally: [],
      votes: 0,
      ...(previous?.root ? pick(previous) : {}),
      observedGeneration: generationOf(ballot),
    };
    const closed = closesAt !== undefined && now >= closesAt;
    if (!status.root && opensAt !== undefined && now >= opensAt && !closed) {
      const group = api.peek(GROUPS, namespace, ballot.spec.group) as Group | undefined;
      if (group) {
        const tree = trees.tree(namespace, group);
        status.root = String(tree.root());
        status.groupSize = tree.size;
        status.ballotId = String(ballotIdOf(namespace, name, ballot.metadata.uid ?? ''));
        status.openedAt = new Date(now).toISOString();
      }
    }
    if (closed) {
      status.state = ballot.spec.publish ? 'Published' : 'Closed';
      status.closedAt ??= new Date(Math.min(now, closesAt)).toISOString();
    } else status.state = status.root ? 'Open' : 'Draft';
    const votes = [...(votesOf.get(k) ?? [])]
      .map((v) => api.peek(VOTES, namespace, v) as Vote | undefined)
      .filter((v): v is Vote => !!v);
    status.tally = tallyOf(ballot.spec.options.length, votes);
    status.votes = votes.length;
    // Wake up at the next change of state.
    for (const at of [opensAt, closesAt]) if (at !== undefined && at > now) ballots.addAfter(k, at - now + 5);
    if (jsonEqual(status, previous)) return;
    await writeStatus(BALLOTS, ballot, status);
  }

  async function writeStatus(t: ReturnType<typeof typeByKey>, obj: KubeObject, status: unknown) {
    try {
      await api.replace(t, obj, { ...obj, status }, 'status');
    } catch (err) {
      // Changed meanwhile: its own event queues it again.
      if (isApiError(err) && (err.code === 404 || err.code === 409)) return;
      throw err;
    }
  }

  return [
    {
      stop: () => {
        for (const u of unsubscribe) u();
        groups.stop();
        ballots.stop();
      },
      idle: async () => {
        await groups.idle();
        await ballots.idle();
      },
    },
  ];
}

/** What a ballot froze when it opened (kept as it was from then on). */
function pick(s: NonNullable<Ballot['status']>) {
  const { root, groupSize, ballotId, openedAt, closedAt } = s;
  return { root, groupSize, ballotId, openedAt, ...(closedAt ? { closedAt } : {}) };
}

const generationOf = (o: KubeObject): number | undefined =>
  typeof o.metadata.generation === 'number' ? o.metadata.generation : undefined;
