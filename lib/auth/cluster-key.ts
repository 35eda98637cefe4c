import '#server-only';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

/**
 * The cluster's ed25519 signing key: one per cluster, created by the first instance and shared through the
 * database like the auth secret, so every instance signs (backup manifests, audit checkpoints) with the same key
 * and anyone holding the public key can check what it signed.
 */
export interface ClusterKey {
  /** SPKI PEM of the public half, safe to publish. */
  publicKeyPem: string;
  /** A short stable identifier of the key: the first 16 hex digits of the SHA-256 of its SPKI DER. */
  keyId: string;
  sign(data: Buffer | string): string;
  verify(data: Buffer | string, signatureBase64: string): boolean;
}

export const CLUSTER_KEY_SETTING = 'cluster.signingKey';

interface SettingsStore {
  getOrCreate(key: string, create: () => string): Promise<string>;
}

export async function loadClusterKey(settings: SettingsStore): Promise<ClusterKey> {
  const pem = await settings.getOrCreate(CLUSTER_KEY_SETTING, () =>
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  return clusterKeyFromPem(pem);
}

export function clusterKeyFromPem(privatePem: string): ClusterKey {
  const privateKey = createPrivateKey(privatePem);
  const publicKey = createPublicKey(privateKey);
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
    sign: (data) => sign(null, Buffer.from(data), privateKey).toString('base64'),
    verify: (data, signature) => verifyWithPublicKey(publicKey, data, signature),
  };
}

/** Checks a signature with only the public key (what `audit verify` or a restore elsewhere has). */
export function verifyWithPublicKey(publicKey: KeyObject | string, data: Buffer | string, signatureBase64: string) {
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    return verify(null, Buffer.from(data), key, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}
