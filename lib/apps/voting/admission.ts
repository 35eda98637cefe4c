import { ApiError, type StatusCause } from '../../apimachinery/errors.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import { jsonEqual } from '../../apimachinery/patch.ts';
import { lookupKey } from '../../apimachinery/registry.ts';
import type { AdmissionPolicy, ObjectApi, ValidatingAdmission } from '../../apiserver/object-api.ts';
import { SNARK_FIELD } from '../../proofs/poseidon-tree.ts';
import { ProofFormatError } from '../../proofs/verify.ts';
import { SyncVerifier } from '../../proofs/verify-sync.ts';
import { DECIMAL_FIELD, inviteSet, memberName, voteName } from './ids.ts';
import { votingKey } from './key.ts';
import { RESOURCES, SIGNAL, type Ballot, type Group, type Member, type Vote } from './types.ts';

// Admission for the voting kinds. A Vote is stored only if its proof verifies against the voting key for the
// root and ballot id frozen when its ballot opened, its option is one of the ballot's, and its name is the one its
// nullifier gives (so the store's uniqueness of names is the uniqueness of nullifiers: a second vote is a 409).
// That it is cast while the ballot is open is a policy (a 403), decided by the clock as well as the ballot's
// state, so a vote sent after closesAt is refused even before the controller marks the ballot Closed.
// A Member takes the next leaf of its group, with one of the group's invite codes (by hash) when it names one.

export function votingAdmission(api: ObjectApi): Record<string, ValidatingAdmission> {
  const verifier = new SyncVerifier();
  // Built now so the first vote does not wait; a failure surfaces as a 503 on the first vote.
  verifier.start().catch(() => undefined);
  const peek = <T extends KubeObject>(resource: string, namespace: string, name: string) => {
    const t = lookupKey(resource);
    return t ? (api.peek(t, namespace, name) as T | undefined) : undefined;
  };
  const immutable = (obj: KubeObject, old: KubeObject | undefined, kind: string): StatusCause[] =>
    old && !jsonEqual((old as Vote).spec, (obj as Vote).spec)
      ? [{ reason: 'FieldValueForbidden', field: 'spec', message: `Forbidden: a ${kind} cannot be changed` }]
      : [];

  return {
    [RESOURCES.votes]: (_t, obj, old, subresource) => {
      if (subresource || obj.metadata.deletionTimestamp) return [];
      if (old) return immutable(obj, old, 'vote');
      const vote = obj as Vote;
      const namespace = vote.metadata.namespace ?? '';
      const ballot = peek<Ballot>(RESOURCES.ballots, namespace, vote.spec.ballot);
      if (!ballot) return [cause('spec.ballot', vote.spec.ballot, 'no such ballot in this namespace')];
      const signals = vote.spec.publicSignals;
      const causes: StatusCause[] = [];
      const expected = voteName(ballot.metadata.name, BigInt(signals[SIGNAL.nullifier]));
      if (vote.metadata.name !== expected)
        causes.push(cause('metadata.name', vote.metadata.name, `a vote with this nullifier is named ${expected}`));
      const options = ballot.spec.options.length;
      if (signals[SIGNAL.numOptions] !== String(options))
        causes.push(
          cause(
            `spec.publicSignals[${SIGNAL.numOptions}]`,
            signals[SIGNAL.numOptions],
            `the ballot has ${options} options`,
          ),
        );
      if (BigInt(signals[SIGNAL.vote]) >= BigInt(options))
        causes.push(cause(`spec.publicSignals[${SIGNAL.vote}]`, signals[SIGNAL.vote], 'the option is out of range'));
      const frozen = ballot.status?.root;
      // Not open yet: the policy refuses it (403) once it is otherwise well formed.
      if (!frozen || !ballot.status?.ballotId) return causes;
      if (signals[SIGNAL.root] !== frozen)
        causes.push(
          cause(
            `spec.publicSignals[${SIGNAL.root}]`,
            signals[SIGNAL.root],
            "not the group's root frozen when the ballot opened",
          ),
        );
      if (signals[SIGNAL.ballotId] !== ballot.status.ballotId)
        causes.push(cause(`spec.publicSignals[${SIGNAL.ballotId}]`, signals[SIGNAL.ballotId], "not this ballot's id"));
      if (causes.length) return causes;
      if (!verifier.ready)
        throw new ApiError(503, 'ServiceUnavailable', 'the vote verifier is starting; retry in a moment');
      const key = votingKey();
      try {
        if (!verifier.verify(key.vkey, vote.spec.proof, signals))
          causes.push(
            cause(
              'spec.proof',
              undefined,
              `the proof does not verify against the voting key (${key.vkeyId.slice(0, 16)}…)`,
            ),
          );
      } catch (err) {
        if (!(err instanceof ProofFormatError)) throw err;
        causes.push(cause('spec.proof', undefined, err.message));
      }
      return causes;
    },
    [RESOURCES.members]: (_t, obj, old, subresource) => {
      if (subresource || obj.metadata.deletionTimestamp) return [];
      if (old) return immutable(obj, old, 'member');
      const member = obj as Member;
      const { group: groupName, index, commitment, invite } = member.spec;
      const namespace = member.metadata.namespace ?? '';
      const group = peek<Group>(RESOURCES.groups, namespace, groupName);
      if (!group) return [cause('spec.group', groupName, 'no such group in this namespace')];
      const causes: StatusCause[] = [];
      if (member.metadata.name !== memberName(groupName, index))
        causes.push(
          cause('metadata.name', member.metadata.name, `leaf ${index} is named ${memberName(groupName, index)}`),
        );
      if (index > 0 && !peek(RESOURCES.members, namespace, memberName(groupName, index - 1)))
        causes.push(cause('spec.index', index, `leaf ${index - 1} is not taken yet: members take the next leaf`));
      if (!DECIMAL_FIELD.test(commitment) || BigInt(commitment) === 0n || BigInt(commitment) >= SNARK_FIELD)
        causes.push(cause('spec.commitment', commitment, 'a commitment is a non-zero field element in decimal'));
      if (invite !== undefined && !inviteSet(group).has(invite))
        causes.push(cause('spec.invite', undefined, 'not one of the group’s invite codes'));
      return causes;
    },
    [RESOURCES.ballots]: (_t, obj, old, subresource) => {
      if (subresource || obj.metadata.deletionTimestamp) return [];
      const ballot = obj as Ballot;
      const causes: StatusCause[] = [];
      if (new Set(ballot.spec.options).size !== ballot.spec.options.length)
        causes.push(cause('spec.options', undefined, 'the options must differ'));
      const { opensAt, closesAt } = ballot.spec;
      if (opensAt && closesAt && Date.parse(closesAt) <= Date.parse(opensAt))
        causes.push(cause('spec.closesAt', closesAt, 'a ballot closes after it opens'));
      if (!old && !peek(RESOURCES.groups, ballot.metadata.namespace ?? '', ballot.spec.group))
        causes.push(cause('spec.group', ballot.spec.group, 'no such group in this namespace'));
      const was = old as Ballot | undefined;
      if (was?.status?.root) {
        // What voters were asked, and of whom, stays as it was when the ballot opened.
        for (const field of ['question', 'options', 'group', 'opensAt'] as const)
          if (!jsonEqual(was.spec[field], ballot.spec[field]))
            causes.push({
              reason: 'FieldValueForbidden',
              field: `spec.${field}`,
              message: 'Forbidden: cannot change once the ballot has opened',
            });
      }
      return causes;
    },
  };
}

export function votingPolicies(api: ObjectApi): Record<string, AdmissionPolicy> {
  return {
    [RESOURCES.votes]: (_t, obj, old, subresource) => {
      if (old || subresource) return undefined;
      const vote = obj as Vote;
      const t = lookupKey(RESOURCES.ballots);
      const ballot = t ? (api.peek(t, vote.metadata.namespace, vote.spec.ballot) as Ballot | undefined) : undefined;
      if (!ballot) return undefined;
      const state = ballot.status?.state;
      const closesAt = ballot.spec.closesAt ? Date.parse(ballot.spec.closesAt) : Infinity;
      if (state === 'Closed' || state === 'Published' || Date.now() >= closesAt)
        return `ballot "${ballot.metadata.name}" is closed${ballot.spec.closesAt ? ` (it closed at ${ballot.spec.closesAt})` : ''}: no more votes`;
      if (state !== 'Open' || !ballot.status?.root) return `ballot "${ballot.metadata.name}" is not open yet`;
      return undefined;
    },
  };
}

const cause = (field: string, value: unknown, message: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: value === undefined ? `Invalid value: ${message}` : `Invalid value: ${JSON.stringify(value)}: ${message}`,
  field,
});
