import { createHash, createPublicKey } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ApiError } from '../apimachinery/errors.ts';
import { verifyWithPublicKey } from '../auth/cluster-key.ts';
import { readTar, writeTar, type TarEntry } from './tar.ts';

// A backup file: a gzip'd tar of
//   manifest.json         what the backup holds (counts per kind, sha256 and size of every part, the
//                         resourceVersion, the EntroOS version, the key Secrets are sealed with, the signer)
//   signature.json        an ed25519 signature of manifest.json's exact bytes by the cluster's key
//   objects/<kind>.jsonl  one object per line (Secrets as their sealed row), sorted by namespace/name
//   accounts/users.jsonl, accounts/tokens.jsonl, accounts/settings.jsonl
// A logical dump, not a database file: it restores into SQLite or PostgreSQL alike.

export const BACKUP_FORMAT = 'entroos-backup/v1';
export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'signature.json';

export interface BackupPart {
  name: string;
  sha256: string;
  bytes: number;
  /** Lines (objects, users …) in the part. */
  count: number;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  entroosVersion: string;
  createdAt: string;
  /** Every object is as it was at this resourceVersion. */
  resourceVersion: number;
  /** The database the backup was taken from (it restores into either). */
  sourceDatabase: string;
  /** The id of the ENTROOS_SECRET_KEY the Secrets are sealed with: a restore needs that key. */
  secretKeyId: string;
  signer: { algorithm: 'ed25519'; keyId: string; publicKeyPem: string };
  /** Objects per resource (`pods`, `deployments.apps` …), and users, tokens and settings. */
  counts: Record<string, number>;
  parts: BackupPart[];
}

export interface BackupSignature {
  algorithm: 'ed25519';
  keyId: string;
  signature: string;
}

/** What signs a manifest: the cluster key (lib/auth/cluster-key.ts). */
export interface Signer {
  keyId: string;
  publicKeyPem: string;
  sign(data: Buffer | string): string;
}

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** A lines part: one JSON value per line. */
export function jsonLines(values: readonly unknown[]): Buffer {
  return Buffer.from(values.map((v) => `${JSON.stringify(v)}\n`).join(''));
}

export function parseJsonLines(part: string, data: Buffer): unknown[] {
  const text = data.toString('utf8');
  const out: unknown[] = [];
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    if (!raw) continue;
    try {
      out.push(JSON.parse(raw));
    } catch {
      throw refused(`part ${part}, line ${line}: not JSON`);
    }
  }
  return out;
}

/** A backup file from its parts: the manifest (completed with each part's digest) signed by `signer`. */
export function packBackup(
  header: Omit<BackupManifest, 'format' | 'parts' | 'signer'>,
  parts: { name: string; data: Buffer; count: number }[],
  signer: Signer,
): { file: Buffer; manifest: BackupManifest } {
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    ...header,
    signer: { algorithm: 'ed25519', keyId: signer.keyId, publicKeyPem: signer.publicKeyPem },
    parts: parts.map((p) => ({ name: p.name, sha256: sha256(p.data), bytes: p.data.length, count: p.count })),
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const signature: BackupSignature = {
    algorithm: 'ed25519',
    keyId: signer.keyId,
    signature: signer.sign(manifestBytes),
  };
  const entries: TarEntry[] = [
    { name: MANIFEST, data: manifestBytes },
    { name: SIGNATURE, data: Buffer.from(`${JSON.stringify(signature, null, 2)}\n`) },
    ...parts.map((p) => ({ name: p.name, data: p.data })),
  ];
  // Level 1: most of the size win of gzip at a fraction of the time (JSON compresses well either way).
  return { file: gzipSync(writeTar(entries), { level: 1 }), manifest };
}

/** A refused backup: 422 with the reason, naming the part when one is at fault. */
export function refused(message: string, part?: string): ApiError {
  return new ApiError(422, 'Invalid', `backup refused: ${message}`, {
    kind: 'Backup',
    ...(part ? { causes: [{ reason: 'FieldValueInvalid', message, field: part }] } : {}),
  });
}

export interface OpenedBackup {
  manifest: BackupManifest;
  /** Every part named in the manifest, checked against its digest. */
  parts: Map<string, Buffer>;
}

function publicKeyId(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return sha256(der).slice(0, 16);
}

/**
 * Reads a backup file and checks it before anything in it is used: a gzip'd tar, a manifest signed by the key it
 * names, every part present with the digest and size the manifest gives, and a signer this cluster trusts (its own
 * key, or one of `trustedKeyIds`). Throws a 422 saying what failed and naming the part.
 */
export function openBackup(file: Buffer, trustedKeyIds: readonly string[]): OpenedBackup {
  let tar: Buffer;
  try {
    tar = gunzipSync(file);
  } catch (err) {
    throw refused(`the file is not an intact gzip stream (${(err as Error).message}): damaged or not a backup`);
  }
  let entries: TarEntry[];
  try {
    entries = readTar(tar);
  } catch (err) {
    throw refused((err as Error).message);
  }
  const byName = new Map<string, Buffer>();
  for (const e of entries) {
    if (byName.has(e.name)) throw refused(`the part ${e.name} appears twice`, e.name);
    byName.set(e.name, e.data);
  }
  const manifestBytes = byName.get(MANIFEST);
  const signatureBytes = byName.get(SIGNATURE);
  if (!manifestBytes) throw refused(`${MANIFEST} is missing: not an EntroOS backup`, MANIFEST);
  if (!signatureBytes) throw refused(`${SIGNATURE} is missing: the backup is unsigned`, SIGNATURE);
  let manifest: BackupManifest;
  let signature: BackupSignature;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as BackupManifest;
  } catch {
    throw refused(`${MANIFEST} is not JSON`, MANIFEST);
  }
  try {
    signature = JSON.parse(signatureBytes.toString('utf8')) as BackupSignature;
  } catch {
    throw refused(`${SIGNATURE} is not JSON`, SIGNATURE);
  }
  if (manifest.format !== BACKUP_FORMAT)
    throw refused(`unknown format ${JSON.stringify(manifest.format)} (this server reads ${BACKUP_FORMAT})`, MANIFEST);
  const pem = manifest.signer?.publicKeyPem;
  let signerId: string;
  try {
    signerId = publicKeyId(pem);
  } catch {
    throw refused(`${MANIFEST} names no valid signing key`, MANIFEST);
  }
  if (signerId !== manifest.signer.keyId || signature.keyId !== signerId)
    throw refused(`the signer's key id does not match its public key`, MANIFEST);
  if (typeof signature.signature !== 'string' || !verifyWithPublicKey(pem, manifestBytes, signature.signature))
    throw refused(`the signature of ${MANIFEST} does not verify: the manifest was altered`, MANIFEST);
  if (!Array.isArray(manifest.parts)) throw refused(`${MANIFEST} lists no parts`, MANIFEST);
  const parts = new Map<string, Buffer>();
  for (const part of manifest.parts) {
    const data = byName.get(part.name);
    if (!data) throw refused(`the part ${part.name} is missing`, part.name);
    if (data.length !== part.bytes)
      throw refused(`the part ${part.name} has ${data.length} bytes, the manifest says ${part.bytes}`, part.name);
    if (sha256(data) !== part.sha256)
      throw refused(`the part ${part.name} does not match its sha256 in the manifest: it was altered`, part.name);
    parts.set(part.name, data);
  }
  for (const name of byName.keys())
    if (name !== MANIFEST && name !== SIGNATURE && !parts.has(name))
      throw refused(`the part ${name} is not in the manifest`, name);
  // Integrity first (so a damaged part is named even in another cluster's backup), then whether the signer is trusted.
  if (!trustedKeyIds.includes(signerId))
    throw refused(
      `signed by key ${signerId}, which is not this cluster's key (${trustedKeyIds[0] ?? 'none'}); if you trust that key, pass trustKey=${signerId} (CLI: --trust-key ${signerId})`,
      SIGNATURE,
    );
  return { manifest, parts };
}

/** The manifest alone (listing stored backups): no checks beyond reading it. */
export function readManifest(file: Buffer): BackupManifest {
  const entries = readTar(gunzipSync(file));
  const manifest = entries.find((e) => e.name === MANIFEST);
  if (!manifest) throw new Error('no manifest.json');
  return JSON.parse(manifest.data.toString('utf8')) as BackupManifest;
}
