import { custodyStatement, paeBytes, PAYLOAD_TYPE, type CustodyPredicate } from '@/lib/apps/supply-chain/statement.ts';
import type { Envelope } from '@/lib/apps/supply-chain/types.ts';

// A participant's ed25519 key in the browser (WebCrypto): read from the PKCS#8 PEM file the SDK examples and
// `openssl genpkey -algorithm ed25519` use, or made here and saved as one. The private key never leaves the page:
// only the signed envelope and the public key are sent.

const subtle = () => {
  if (!globalThis.crypto?.subtle) throw new Error('This page needs a secure context (https or localhost) to sign.');
  return globalThis.crypto.subtle;
};

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const fromBase64Url = (text: string) => fromBase64(text.replace(/-/g, '+').replace(/_/g, '/'));
const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

export async function sha256Hex(text: string): Promise<string> {
  return hex(await subtle().digest('SHA-256', new TextEncoder().encode(text)));
}

export interface BrowserKey {
  privateKey: CryptoKey;
  /** The raw 32-byte public key, base64: what Participant.spec.publicKey holds. */
  publicKey: string;
  keyid: string;
}

async function describe(privateKey: CryptoKey): Promise<BrowserKey> {
  const jwk = await subtle().exportKey('jwk', privateKey);
  if (jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('The key is not an ed25519 key.');
  const raw = fromBase64Url(jwk.x);
  return { privateKey, publicKey: toBase64(raw), keyid: `sha256:${hex(await subtle().digest('SHA-256', raw))}` };
}

/** An ed25519 private key from PKCS#8 PEM; throws a message a person can act on when it is something else. */
export async function readPrivateKey(pem: string): Promise<BrowserKey> {
  const match = /-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END PRIVATE KEY-----/.exec(pem);
  if (!match)
    throw new Error(
      'The file is not a PKCS#8 private key (a PEM starting with -----BEGIN PRIVATE KEY-----). Make one with: openssl genpkey -algorithm ed25519',
    );
  let key: CryptoKey;
  try {
    key = await subtle().importKey('pkcs8', fromBase64(match[1].replace(/\s/g, '')), { name: 'Ed25519' }, true, [
      'sign',
    ]);
  } catch {
    throw new Error('The private key is not an ed25519 key.');
  }
  return describe(key);
}

/** A new ed25519 key pair, with the private key as PKCS#8 PEM for the participant to keep. */
export async function generateKey(): Promise<BrowserKey & { pem: string }> {
  const pair = (await subtle().generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const der = new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey));
  const body = toBase64(der).replace(/(.{64})/g, '$1\n');
  const pem = `-----BEGIN PRIVATE KEY-----\n${body.trimEnd()}\n-----END PRIVATE KEY-----\n`;
  return { ...(await describe(pair.privateKey)), pem };
}

/** Signs a custody step about a batch whose content digest is `digest`: a DSSE envelope over its Statement. */
export async function signCustodyStep(
  key: BrowserKey,
  namespace: string,
  digest: string,
  predicate: CustodyPredicate,
): Promise<Envelope> {
  const payload = new TextEncoder().encode(JSON.stringify(custodyStatement(namespace, digest, predicate)));
  const sig = new Uint8Array(await subtle().sign({ name: 'Ed25519' }, key.privateKey, paeBytes(PAYLOAD_TYPE, payload)));
  return {
    payloadType: PAYLOAD_TYPE,
    payload: toBase64(payload),
    signatures: [{ keyid: key.keyid, sig: toBase64(sig) }],
  };
}
