import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import type { Envelope } from './types.ts';
import {
  batchCanonical,
  CUSTODY_PREDICATE,
  paeBytes,
  PAYLOAD_TYPE,
  STATEMENT_TYPE,
  type AnyStatement,
  type BatchIdentity,
  type Statement,
} from './statement.ts';

// Attestations are in-toto Statements v1 in a DSSE envelope, signed with the participant's ed25519 key: the
// signature covers DSSE's pre-authentication encoding of the payload type and the payload, exactly as in-toto and
// sigstore tooling sign them, so an envelope made here verifies with theirs given the same key.

export { STATEMENT_TYPE, PAYLOAD_TYPE, CUSTODY_PREDICATE, subjectName } from './statement.ts';
export type { CustodyPredicate, Statement, AnyStatement } from './statement.ts';

/** DSSE v1 pre-authentication encoding: what the signature covers. */
export const pae = (payloadType: string, payload: Buffer): Buffer => Buffer.from(paeBytes(payloadType, payload));

/** The raw 32-byte public key, base64 (what Participant.spec.publicKey holds). */
export function publicKeyBase64(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('not an ed25519 key');
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}

/** A participant key from Participant.spec.publicKey; throws with the reason when it is not an ed25519 key. */
export function parsePublicKey(base64: string): { key: KeyObject; raw: Buffer; keyid: string } {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== base64)
    throw new Error('must be a raw 32-byte ed25519 public key in base64');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  return { key, raw, keyid: keyIdOf(raw) };
}

/** A key's id as the envelopes name it: sha256 of the raw public key. */
export const keyIdOf = (raw: Buffer): string => `sha256:${createHash('sha256').update(raw).digest('hex')}`;

export function generateParticipantKey(): { privateKey: KeyObject; publicKey: string; keyid: string } {
  const pair = generateKeyPairSync('ed25519');
  const publicKey = publicKeyBase64(pair.publicKey);
  return { privateKey: pair.privateKey, publicKey, keyid: parsePublicKey(publicKey).keyid };
}

/** A private key from PKCS#8 PEM (what the SDK examples keep in a file). */
export const privateKeyFromPem = (pem: string): KeyObject => createPrivateKey(pem);

export function signStatement(statement: AnyStatement, privateKey: KeyObject): Envelope {
  const payload = Buffer.from(JSON.stringify(statement));
  const publicKey = publicKeyBase64(createPublicKey(privateKey));
  const sig = sign(null, pae(PAYLOAD_TYPE, payload), privateKey);
  return {
    payloadType: PAYLOAD_TYPE,
    payload: payload.toString('base64'),
    signatures: [{ keyid: parsePublicKey(publicKey).keyid, sig: sig.toString('base64') }],
  };
}

/** Whether one of the envelope's signatures by `keyid` verifies with `key`. */
export function envelopeSignedBy(envelope: Envelope, key: KeyObject, keyid: string): boolean {
  const payload = Buffer.from(envelope.payload, 'base64');
  const message = pae(envelope.payloadType, payload);
  return envelope.signatures.some((s) => s.keyid === keyid && verify(null, message, key, Buffer.from(s.sig, 'base64')));
}

/** The envelope's Statement; throws with the reason when the payload is not a custody Statement v1. */
export function decodeStatement(envelope: Envelope): Statement {
  if (envelope.payloadType !== PAYLOAD_TYPE) throw new Error(`payloadType must be ${PAYLOAD_TYPE}`);
  let statement: Statement;
  try {
    statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Statement;
  } catch {
    throw new Error('the payload is not base64-encoded JSON');
  }
  if (typeof statement !== 'object' || statement === null) throw new Error('the payload is not a JSON object');
  if (statement._type !== STATEMENT_TYPE) throw new Error(`the statement's _type must be ${STATEMENT_TYPE}`);
  if (!Array.isArray(statement.subject) || !statement.subject.length) throw new Error('the statement has no subject');
  if (statement.predicateType !== CUSTODY_PREDICATE)
    throw new Error(`the statement's predicateType must be ${CUSTODY_PREDICATE}`);
  const p = statement.predicate;
  if (typeof p !== 'object' || p === null || typeof p.batch !== 'string' || typeof p.participant !== 'string')
    throw new Error('the predicate must name its batch and participant');
  if (typeof p.time !== 'string' || Number.isNaN(Date.parse(p.time))) throw new Error('the predicate needs a time');
  return statement;
}

/** A batch's content digest (its subject digest): what its attestations are about, so editing the batch shows. */
export const batchDigest = (namespace: string, name: string, spec: BatchIdentity): string =>
  createHash('sha256')
    .update(batchCanonical(namespace, name, spec))
    .digest('hex');
