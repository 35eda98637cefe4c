import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';

// Secrets are encrypted at rest, as kube-apiserver's EncryptionConfiguration with the aesgcm provider does: each
// stored Secret's JSON becomes `enc:aesgcm:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>`, under AES-256-GCM with a
// fresh random 96-bit nonce per write. The key id (a hash of the key, never the key) names which key wrote a row,
// so a later rotation can decrypt rows written under an older key while writing new rows under the new one. The
// row's own resource/namespace/name is the additional authenticated data: a ciphertext copied into another row
// does not decrypt.

const PREFIX = 'enc:aesgcm:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_BYTES = 32;

/** The resources whose stored JSON is encrypted. */
export const ENCRYPTED_RESOURCES: ReadonlySet<string> = new Set(['secrets']);

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

/** Decodes a configured key: base64 of exactly 32 bytes; throws a SecretKeyError saying what is wrong. */
export function parseSecretKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0)
    throw new SecretKeyError(`${where} must be base64 of 32 random bytes (e.g. \`openssl rand -base64 32\`)`);
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== SECRET_KEY_BYTES)
    throw new SecretKeyError(
      `${where} must decode to ${SECRET_KEY_BYTES} bytes for AES-256 (it decodes to ${key.length}); generate one with \`openssl rand -base64 32\``,
    );
  return key;
}

const keyIdOf = (key: Buffer) =>
  createHash('sha256').update('entroos-secret-key\0').update(key).digest('hex').slice(0, 8);

export interface SecretCipher {
  /** The id of the key new writes use. */
  readonly keyId: string;
  encrypt(plaintext: string, context: string): string;
  /** Plaintext rows (written before encryption was on) are returned as they are, and encrypted on their next write. */
  decrypt(stored: string, context: string): string;
}

/** A cipher writing with `primary`, reading rows written under it or any of `older`. */
export function secretCipher(primary: Buffer, older: Buffer[] = []): SecretCipher {
  const keys = new Map<string, Buffer>();
  for (const key of [primary, ...older]) {
    if (key.length !== SECRET_KEY_BYTES)
      throw new SecretKeyError(`a secret encryption key must be ${SECRET_KEY_BYTES} bytes`);
    keys.set(keyIdOf(key), key);
  }
  const keyId = keyIdOf(primary);
  return {
    keyId,
    encrypt(plaintext, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', primary, nonce);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${PREFIX}${keyId}:${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64')}`;
    },
    decrypt(stored, context) {
      if (!stored.startsWith(PREFIX)) return stored;
      const rest = stored.slice(PREFIX.length);
      const colon = rest.indexOf(':');
      const id = rest.slice(0, colon);
      const key = keys.get(id);
      if (colon < 0 || !key)
        throw new SecretKeyError(
          `${context} was encrypted with key ${id || '(unknown)'}, but the configured secret encryption key is ${keyId}: set ENTROOS_SECRET_KEY to the key this database was written with`,
        );
      const raw = Buffer.from(rest.slice(colon + 1), 'base64');
      if (raw.length < NONCE_BYTES + TAG_BYTES)
        throw new SecretKeyError(`${context}: the stored ciphertext is truncated`);
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new SecretKeyError(
          `${context}: the stored ciphertext does not authenticate under key ${id} (altered or moved)`,
        );
      }
    },
  };
}

/** The additional authenticated data of one row. */
export const rowContext = (resource: string, namespace: string, name: string) => `${resource}/${namespace}/${name}`;

export const KEY_FILE = 'secret-encryption.key';

/**
 * Where the generated key lives without ENTROOS_SECRET_KEY: beside a SQLite database, else in ./data. A memory
 * database gets a key of its own that dies with it.
 */
export function keyFilePath(url: string, cwd = process.cwd()): string | null {
  if (url.startsWith('file:')) {
    const path = url.slice('file:'.length).split('?')[0];
    if (path === ':memory:') return null;
    return join(dirname(resolve(cwd, path)), KEY_FILE);
  }
  return resolve(cwd, 'data', KEY_FILE);
}

/**
 * The key from the key file, generated on first use (mode 0600, readable by this user only) and reused on every
 * restart after. A key file that is not a valid key stops the start rather than being replaced: the rows written
 * under it would be lost.
 */
export function loadOrCreateKeyFile(path: string): Buffer {
  if (existsSync(path)) return parseSecretKey(readFileSync(path, 'utf8'), `the secret encryption key file ${path}`);
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(SECRET_KEY_BYTES);
  // 'wx': two processes starting at once do not both write a key; the loser reads the winner's.
  try {
    writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      return parseSecretKey(readFileSync(path, 'utf8'), `the secret encryption key file ${path}`);
    throw err;
  }
  chmodSync(path, 0o600);
  return key;
}
