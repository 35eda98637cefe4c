import { paeBytes } from '@/lib/apps/supply-chain/statement.ts';
import type { Envelope } from '@/lib/apps/supply-chain/types.ts';

// Checks an artifact in this browser, trusting only the cluster's public key: its bytes hash to the digest the
// Artifact names, the provenance envelope is signed by the key, and the statement's subject is that digest.

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

export async function verifyArtifact(
  content: ArrayBuffer,
  digest: string,
  envelope: Envelope,
  signer: { publicKey: string; keyid: string },
): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return 'this page needs a secure context (https or localhost) to verify';
  const actual = `sha256:${hex(await subtle.digest('SHA-256', content))}`;
  if (actual !== digest) return `the downloaded bytes hash to ${actual}, not ${digest}`;
  const key = await subtle.importKey('raw', fromBase64(signer.publicKey), { name: 'Ed25519' }, false, ['verify']);
  const payload = fromBase64(envelope.payload);
  const message = paeBytes(envelope.payloadType, payload);
  let signed = false;
  for (const s of envelope.signatures)
    if (s.keyid === signer.keyid && (await subtle.verify({ name: 'Ed25519' }, key, fromBase64(s.sig), message)))
      signed = true;
  if (!signed) return `the provenance is not signed by the cluster key ${signer.keyid}`;
  const statement = JSON.parse(new TextDecoder().decode(payload)) as { subject?: { digest?: { sha256?: string } }[] };
  if (!statement.subject?.some((s) => `sha256:${s.digest?.sha256}` === digest))
    return `the provenance is about another artifact than ${digest}`;
  return undefined;
}
