import { createPublicKey, verify } from 'node:crypto';
import { pae, PAYLOAD_TYPE, STATEMENT_TYPE } from '../supply-chain/attestation.ts';
import type { Envelope } from '../supply-chain/types.ts';
import type { ConvertOptions } from './engines/types.ts';

// Each output's attestation: an in-toto Statement v1 whose subject is the output's digest and whose predicate
// names the input's digest, the engine and its version, the options, the node and the pod that ran it — in a DSSE
// envelope signed with the cluster key. Anyone with the cluster's public key checks it offline; the placement
// proof of the pod (by its uid) shows the scheduler placed it within the node's capacity.

export const CONVERSION_PREDICATE = 'https://convert.entroos.io/conversion/v1';

export interface ConversionPredicate {
  conversion: { namespace: string; name: string; uid: string };
  input: { name: string; digest: { sha256: string } };
  target: string;
  engine: { name: string; version: string };
  options: ConvertOptions;
  node: string;
  pod: { name: string; uid: string };
  finishedAt: string;
}

export interface ConversionStatement {
  _type: string;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: string;
  predicate: ConversionPredicate;
}

export interface Signer {
  keyId: string;
  sign(data: Buffer | string): string;
}

export function signConversion(statement: ConversionStatement, signer: Signer): Envelope {
  const payload = Buffer.from(JSON.stringify(statement));
  return {
    payloadType: PAYLOAD_TYPE,
    payload: payload.toString('base64'),
    signatures: [{ keyid: signer.keyId, sig: signer.sign(pae(PAYLOAD_TYPE, payload)) }],
  };
}

export function conversionStatement(
  outputName: string,
  outputDigest: string,
  predicate: ConversionPredicate,
): ConversionStatement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: outputName, digest: { sha256: outputDigest.replace(/^sha256:/, '') } }],
    predicateType: CONVERSION_PREDICATE,
    predicate,
  };
}

export interface AttestationCheck {
  ok: boolean;
  /** Each check by name, and why it failed. */
  checks: { name: string; ok: boolean; detail: string }[];
  statement?: ConversionStatement;
}

/**
 * Checks an envelope against the cluster's public key and, when given, the bytes' digest it should be about:
 * signature, statement shape, and that the file is the one attested (a tampered output fails the last).
 */
export function checkAttestation(
  envelope: Envelope,
  publicKeyPem: string,
  keyId: string,
  expect: { outputDigest?: string; inputDigest?: string },
): AttestationCheck {
  const checks: AttestationCheck['checks'] = [];
  const add = (name: string, ok: boolean, detail: string) => (checks.push({ name, ok, detail }), ok);
  const payload = Buffer.from(envelope.payload ?? '', 'base64');
  const sig = envelope.signatures?.find((s) => s.keyid === keyId);
  let signed = false;
  try {
    signed =
      !!sig &&
      verify(null, pae(envelope.payloadType, payload), createPublicKey(publicKeyPem), Buffer.from(sig.sig, 'base64'));
  } catch {
    signed = false;
  }
  add(
    'signature',
    signed,
    signed ? `signed by the cluster key ${keyId}` : `not signed by the cluster key ${keyId}, or altered since`,
  );
  let statement: ConversionStatement | undefined;
  try {
    statement = JSON.parse(payload.toString('utf8')) as ConversionStatement;
  } catch {
    statement = undefined;
  }
  const shaped =
    envelope.payloadType === PAYLOAD_TYPE &&
    statement?._type === STATEMENT_TYPE &&
    statement.predicateType === CONVERSION_PREDICATE &&
    typeof statement.subject?.[0]?.digest?.sha256 === 'string';
  add(
    'statement',
    !!shaped,
    shaped ? 'an in-toto Statement v1 about a conversion' : 'the payload is not a conversion statement',
  );
  if (!shaped || !statement) return { ok: false, checks };
  if (expect.outputDigest !== undefined) {
    const attested = `sha256:${statement.subject[0].digest.sha256}`;
    add(
      'output',
      attested === expect.outputDigest,
      attested === expect.outputDigest
        ? `the output is ${attested}`
        : `the output's digest is ${expect.outputDigest}, the attested one ${attested}: the output was changed`,
    );
  }
  if (expect.inputDigest !== undefined) {
    const attested = `sha256:${statement.predicate.input?.digest?.sha256}`;
    add(
      'input',
      attested === expect.inputDigest,
      attested === expect.inputDigest ? `made from ${attested}` : `made from ${attested}, not ${expect.inputDigest}`,
    );
  }
  return { ok: checks.every((c) => c.ok), checks, statement };
}
