import { createHash, createPublicKey, verify } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { VerificationKey } from './artifacts.ts';
import { checkShape, verifyBatch } from './verify.ts';

// `npx entroos-verify verification.json --file OUTPUT`: checks a converted file offline against the bundle that
// GET /apis/entroos.io/v1/namespaces/NS/conversions/NAME/verify answers (kind ConversionVerification): the
// envelope's signature with the cluster's public key in the bundle (compare its keyId with the one the cluster
// publishes), that the file's sha256 is the statement's subject, and the conversion pod's placement proof with
// the bundle's verification key. Kept apart from the file conversion app: the verifier needs only this file.

const PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const PREDICATE = 'https://convert.entroos.io/conversion/v1';

export interface ConversionBundle {
  kind: 'ConversionVerification';
  keyId: string;
  publicKeyPem: string;
  envelope?: { payloadType: string; payload: string; signatures: { keyid: string; sig: string }[] };
  placementProof?: { status: string; vkey?: VerificationKey; proof?: unknown; publicSignals?: unknown };
}

const pae = (type: string, payload: Buffer) =>
  Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${payload.length} `), payload]);

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Each check and whether it passed; `file` is the downloaded output (optional: then only the bundle is checked). */
export async function checkConversionBundle(
  bundle: ConversionBundle,
  file?: string,
): Promise<{ name: string; ok: boolean; detail: string }[]> {
  const checks: { name: string; ok: boolean; detail: string }[] = [];
  const env = bundle.envelope;
  if (!env) return [{ name: 'attestation', ok: false, detail: 'the bundle carries no attestation envelope' }];
  const payload = Buffer.from(env.payload, 'base64');
  const sig = env.signatures.find((s) => s.keyid === bundle.keyId);
  let signed = false;
  try {
    signed =
      !!sig &&
      verify(null, pae(env.payloadType, payload), createPublicKey(bundle.publicKeyPem), Buffer.from(sig.sig, 'base64'));
  } catch {
    signed = false;
  }
  checks.push({
    name: 'signature',
    ok: signed,
    detail: signed ? `signed by cluster key ${bundle.keyId}` : `not signed by key ${bundle.keyId}`,
  });
  let statement: {
    predicateType?: string;
    subject?: { digest?: { sha256?: string } }[];
    predicate?: { input?: { digest?: { sha256?: string } } };
  } = {};
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch {
    // reported below
  }
  const subject = statement.subject?.[0]?.digest?.sha256;
  const shaped =
    env.payloadType === PAYLOAD_TYPE && statement.predicateType === PREDICATE && typeof subject === 'string';
  checks.push({
    name: 'statement',
    ok: shaped,
    detail: shaped ? 'a conversion statement' : 'not a conversion statement',
  });
  if (file && subject) {
    const actual = await sha256Of(file);
    checks.push({
      name: 'output',
      ok: actual === subject,
      detail:
        actual === subject
          ? `the file is sha256:${actual}`
          : `the file's digest is sha256:${actual}, the attested output sha256:${subject}`,
    });
  }
  const p = bundle.placementProof;
  if (p?.vkey && p.proof && p.publicSignals) {
    let ok = false;
    try {
      ok = (await verifyBatch([{ vkey: p.vkey, ...checkShape(p.vkey, p.proof, p.publicSignals) }])).ok;
    } catch {
      ok = false;
    }
    checks.push({
      name: 'placement proof',
      ok,
      detail: ok ? 'the pod’s placement proof verifies' : 'the pod’s placement proof does not verify',
    });
  } else checks.push({ name: 'placement proof', ok: true, detail: `none in the bundle (${p?.status ?? 'absent'})` });
  return checks;
}

export const conversionInput = (bundle: ConversionBundle): string | undefined => {
  try {
    const s = JSON.parse(Buffer.from(bundle.envelope?.payload ?? '', 'base64').toString('utf8'));
    return s.predicate?.input?.digest?.sha256 ? `sha256:${s.predicate.input.digest.sha256}` : undefined;
  } catch {
    return undefined;
  }
};
