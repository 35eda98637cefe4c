import { gunzipSync, gzipSync } from 'node:zlib';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clusterKeyFromPem } from '../../lib/auth/cluster-key.ts';
import { jsonLines, openBackup, packBackup, readManifest, sha256 } from '../../lib/backup/format.ts';
import { readTar, writeTar } from '../../lib/backup/tar.ts';
import { isApiError, type ApiError } from '../../lib/apimachinery/errors.ts';

const newKey = () =>
  clusterKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

const KEY = newKey();

const configmaps = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default', uid: 'u1' }, data: { x: '1' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'default', uid: 'u2' }, data: { x: '2' } },
];

function sample(signer = KEY) {
  return packBackup(
    {
      entroosVersion: '0.1.0',
      createdAt: '2026-01-02T03:04:05.000Z',
      resourceVersion: 42,
      sourceDatabase: 'sqlite',
      secretKeyId: 'abcd1234',
      counts: { configmaps: 2, users: 0 },
    },
    [
      { name: 'objects/configmaps.jsonl', data: jsonLines(configmaps), count: 2 },
      { name: 'accounts/users.jsonl', data: jsonLines([]), count: 0 },
    ],
    signer,
  );
}

/** Rewrites one tar entry of a backup (and gzips it again): what an attacker with the file can do. */
function tamper(file: Buffer, name: string, change: (data: Buffer) => Buffer): Buffer {
  const entries = readTar(gunzipSync(file)).map((e) =>
    e.name === name ? { name, data: change(Buffer.from(e.data)) } : e,
  );
  return gzipSync(writeTar(entries));
}

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (isApiError(err)) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('backup format', () => {
  it('is a tar.gz whose manifest lists counts, a sha256 per part, the resourceVersion and version, and is signed', () => {
    const { file, manifest } = sample();
    const names = readTar(gunzipSync(file)).map((e) => e.name);
    expect(names).toEqual(['manifest.json', 'signature.json', 'objects/configmaps.jsonl', 'accounts/users.jsonl']);
    expect(manifest).toMatchObject({
      format: 'entroos-backup/v1',
      resourceVersion: 42,
      entroosVersion: '0.1.0',
      secretKeyId: 'abcd1234',
      counts: { configmaps: 2 },
      signer: { algorithm: 'ed25519', keyId: KEY.keyId },
    });
    expect(manifest.parts[0]).toEqual({
      name: 'objects/configmaps.jsonl',
      sha256: sha256(jsonLines(configmaps)),
      bytes: jsonLines(configmaps).length,
      count: 2,
    });
    expect(readManifest(file)).toEqual(manifest);
    const opened = openBackup(file, [KEY.keyId]);
    expect(opened.parts.get('objects/configmaps.jsonl')?.toString()).toBe(jsonLines(configmaps).toString());
  });

  it('refuses a part changed by one byte, naming the part', () => {
    const { file } = sample();
    const bad = tamper(file, 'objects/configmaps.jsonl', (d) => {
      d[d.indexOf('"2"') + 1] = '3'.charCodeAt(0);
      return d;
    });
    const err = refusal(() => openBackup(bad, [KEY.keyId]));
    expect(err.code).toBe(422);
    expect(err.message).toContain('objects/configmaps.jsonl');
    expect(err.message).toContain('sha256');
    expect(err.details?.causes?.[0].field).toBe('objects/configmaps.jsonl');
  });

  it('refuses an altered manifest (the signature no longer verifies) and a missing or extra part', () => {
    const { file } = sample();
    const edited = tamper(file, 'manifest.json', (d) =>
      Buffer.from(d.toString().replace('"resourceVersion": 42', '"resourceVersion": 43')),
    );
    expect(refusal(() => openBackup(edited, [KEY.keyId])).message).toMatch(
      /signature of manifest\.json does not verify/,
    );

    const entries = readTar(gunzipSync(file));
    const missing = gzipSync(writeTar(entries.filter((e) => e.name !== 'accounts/users.jsonl')));
    expect(refusal(() => openBackup(missing, [KEY.keyId])).message).toMatch(/part accounts\/users\.jsonl is missing/);

    const extra = gzipSync(writeTar([...entries, { name: 'objects/secrets.jsonl', data: Buffer.from('{}\n') }]));
    expect(refusal(() => openBackup(extra, [KEY.keyId])).message).toMatch(
      /objects\/secrets\.jsonl is not in the manifest/,
    );
  });

  it('refuses a backup signed by a key the cluster does not trust, unless that key id is trusted', () => {
    const other = newKey();
    const { file } = sample(other);
    const err = refusal(() => openBackup(file, [KEY.keyId]));
    expect(err.message).toContain(`signed by key ${other.keyId}`);
    expect(err.message).toContain(`trustKey=${other.keyId}`);
    expect(openBackup(file, [KEY.keyId, other.keyId]).manifest.signer.keyId).toBe(other.keyId);
  });

  it('refuses a file that is not a backup or was cut short, saying so', () => {
    const { file } = sample();
    expect(refusal(() => openBackup(Buffer.from('hello'), [KEY.keyId])).message).toMatch(/not an intact gzip stream/);
    expect(refusal(() => openBackup(file.subarray(0, file.length - 20), [KEY.keyId])).message).toMatch(/gzip/);
    const raw = gunzipSync(file);
    expect(refusal(() => openBackup(gzipSync(raw.subarray(0, 700)), [KEY.keyId])).message).toMatch(/truncated/);
  });

  it('writes tar files that tar itself reads', () => {
    const tar = writeTar([{ name: 'a/b.txt', data: Buffer.from('x'.repeat(1000)) }]);
    expect(tar.length % 512).toBe(0);
    expect(readTar(tar)[0].data.toString()).toBe('x'.repeat(1000));
  });
});
