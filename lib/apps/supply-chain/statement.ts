import type { CustodyAction } from './types.ts';

// The custody Statement and DSSE's pre-authentication encoding, without Node's crypto: the server (attestation.ts)
// and the dashboard's in-browser signing (components/apps/supply-chain/browser-keys.ts) build the same bytes, so a
// step recorded in the browser verifies exactly as one signed by the SDK examples.

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const CUSTODY_PREDICATE = 'https://supplychain.entroos.io/custody/v1';

export interface CustodyPredicate {
  batch: string;
  participant: string;
  action: CustodyAction;
  time: string;
  location?: string;
  /** handover: who receives custody. */
  to?: string;
  /** process: the input batches consumed (their names and content digests). */
  inputs?: { name: string; digest: { sha256: string } }[];
  note?: string;
}

export interface Statement {
  _type: string;
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate: CustodyPredicate;
}

/** Any in-toto Statement v1, whatever its predicate (custody here, SLSA provenance in build.ts). */
export type AnyStatement = Omit<Statement, 'predicate'> & { predicate: unknown };

export interface BatchIdentity {
  product: string;
  producer: string;
  quantity: number;
  unit: string;
  inputs?: string[];
}

/** What a batch's content digest is the sha256 of: editing any of these fields shows as a changed subject. */
export const batchCanonical = (namespace: string, name: string, spec: BatchIdentity): string =>
  JSON.stringify([
    namespace,
    name,
    spec.product,
    spec.producer,
    spec.quantity,
    spec.unit,
    [...(spec.inputs ?? [])].sort(),
  ]);

export const subjectName = (namespace: string, batch: string) => `${namespace}/${batch}`;

/** A custody Statement about one batch, whose content digest is `digest`. */
export const custodyStatement = (namespace: string, digest: string, predicate: CustodyPredicate): Statement => ({
  _type: STATEMENT_TYPE,
  subject: [{ name: subjectName(namespace, predicate.batch), digest: { sha256: digest } }],
  predicateType: CUSTODY_PREDICATE,
  predicate,
});

/** DSSE v1 pre-authentication encoding: what the signature covers. */
export function paeBytes(payloadType: string, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const type = encoder.encode(payloadType);
  const head = encoder.encode(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}
