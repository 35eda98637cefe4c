import { decodeStatement, envelopeSignedBy, parsePublicKey, subjectName, type Statement } from './attestation.ts';
import type { Attestation, Envelope, Participant } from './types.ts';

// One attestation checked against its participant's key: the same check admission runs on every write and the
// controller re-runs on what is stored (a stored object can be changed without going through the API: a restored
// or edited database). Results are kept per stored object and key, since stored objects never change in place.

export type Verdict = { ok: true; statement: Statement } | { ok: false; problem: string; statement?: Statement };

export type ParticipantLookup = (name: string) => Participant | undefined;

export function verifyAttestation(
  namespace: string,
  spec: Attestation['spec'],
  participantOf: ParticipantLookup,
): Verdict {
  let statement: Statement;
  try {
    statement = decodeStatement(spec.envelope);
  } catch (err) {
    return { ok: false, problem: `the envelope is not a custody statement: ${(err as Error).message}` };
  }
  const p = statement.predicate;
  const mismatch =
    p.batch !== spec.batch
      ? `the signed statement is about batch "${p.batch}", not "${spec.batch}"`
      : p.participant !== spec.participant
        ? `the signed statement names participant "${p.participant}", not "${spec.participant}"`
        : p.action !== spec.action
          ? `the signed statement's action is "${p.action}", not "${spec.action}"`
          : !statement.subject.some((s) => s.name === subjectName(namespace, spec.batch))
            ? `the statement's subject does not name ${subjectName(namespace, spec.batch)}`
            : undefined;
  if (mismatch) return { ok: false, problem: mismatch, statement };
  const problem = checkSigner(spec.participant, spec.envelope, participantOf);
  return problem ? { ok: false, problem, statement } : { ok: true, statement };
}

/** Why `envelope` is not signed with the registered key of participant `name`, or undefined when it is. */
export function checkSigner(name: string, envelope: Envelope, participantOf: ParticipantLookup): string | undefined {
  const participant = participantOf(name);
  if (!participant) return `unknown participant "${name}"`;
  let key;
  try {
    key = parsePublicKey(participant.spec.publicKey);
  } catch (err) {
    return `participant "${name}" has no usable key: ${(err as Error).message}`;
  }
  const keyids = envelope.signatures.map((s) => s.keyid);
  if (!keyids.includes(key.keyid))
    return `unknown key: the envelope is signed by ${keyids.join(', ') || 'no key'}, not by participant "${name}"'s key ${key.keyid}`;
  let signed = false;
  try {
    signed = envelopeSignedBy(envelope, key.key, key.keyid);
  } catch {
    signed = false;
  }
  if (!signed)
    return `bad signature: the envelope's signature does not verify with participant "${name}"'s key ${key.keyid}`;
  return undefined;
}

const cache = new WeakMap<object, { publicKey: string | undefined; verdict: Verdict }>();

/** verifyAttestation of a stored object, remembered until the object or its participant's key changes. */
export function verifyStored(attestation: Attestation, participantOf: ParticipantLookup): Verdict {
  const publicKey = participantOf(attestation.spec.participant)?.spec.publicKey;
  const hit = cache.get(attestation);
  if (hit && hit.publicKey === publicKey) return hit.verdict;
  const verdict = verifyAttestation(attestation.metadata.namespace ?? '', attestation.spec, participantOf);
  cache.set(attestation, { publicKey, verdict });
  return verdict;
}
