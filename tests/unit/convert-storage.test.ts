import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore, QuotaExceeded } from '@/lib/apps/convert/storage.ts';
import { requestsFor, jobNameOf } from '@/lib/apps/convert/jobs.ts';
import { checkAttestation, conversionStatement, signConversion } from '@/lib/apps/convert/attestation.ts';
import { clusterKeyFromPem } from '@/lib/auth/cluster-key.ts';
import { generateKeyPairSync } from 'node:crypto';

// The conversion app's file store (content-addressed, quota, expiry), its Job sizing and its attestations.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'entroos-convert-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const store = (quotaBytes = 1000, expiryMs = 60_000) => new FileStore({ dir, quotaBytes, expiryMs });

describe('file store', () => {
  it('stores a stream by its sha256, once however often it is written', async () => {
    const files = store();
    const a = await files.put(Readable.from([Buffer.from('hello '), Buffer.from('world')]), {
      contentType: 'text/plain',
      filename: 'a.txt',
    });
    expect(a.digest).toBe('sha256:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9');
    expect(a).toMatchObject({ size: 11, contentType: 'text/plain', filename: 'a.txt' });
    await files.put(Readable.from([Buffer.from('hello world')]), { contentType: 'text/plain' });
    expect(readdirSync(files.blobs)).toHaveLength(1);
    expect(await files.usage()).toBe(11);
    expect((await files.get(a.digest))?.filename).toBe('a.txt');
  });

  it('refuses a file that would pass the quota, keeping nothing of it', async () => {
    const files = store(100);
    await files.put(Readable.from([Buffer.alloc(60, 1)]), { contentType: 'application/octet-stream' });
    await expect(
      files.put(Readable.from([Buffer.alloc(50, 2)]), { contentType: 'application/octet-stream' }),
    ).rejects.toBeInstanceOf(QuotaExceeded);
    expect(readdirSync(files.blobs)).toHaveLength(1);
    expect(readdirSync(files.work)).toEqual([]);
    expect(await files.free()).toBe(40);
  });

  it('moves a finished upload in without counting it twice, and drops expired files', async () => {
    const files = store(100, 1000);
    await files.init();
    const upload = join(files.uploads, 'u1');
    writeFileSync(upload, Buffer.alloc(30, 3));
    expect(await files.usage()).toBe(30);
    const stored = await files.put(upload, { contentType: 'application/octet-stream', move: true });
    expect(await files.usage()).toBe(30);
    expect(await files.expire(Date.now() + 2000)).toBe(1);
    expect(await files.get(stored.digest)).toBeUndefined();
    expect(await files.usage()).toBe(0);
    // An upload abandoned past the expiry goes too.
    writeFileSync(join(files.uploads, 'u2'), Buffer.alloc(10));
    await files.expire(Date.now() + 2000);
    expect(readdirSync(files.uploads)).toEqual([]);
    expect(await files.usage()).toBe(0);
  });
});

describe('conversion jobs', () => {
  it('sizes requests by engine and input, within a cap', () => {
    expect(requestsFor('image', 0)).toEqual({ cpu: '500m', memory: '64Mi' });
    expect(requestsFor('image', 16 * 2 ** 20)).toEqual({ cpu: '500m', memory: '192Mi' });
    expect(requestsFor('office', 10 * 2 ** 30)).toEqual({ cpu: '1', memory: '2048Mi' });
  });

  it('keeps Job names within 63 characters', () => {
    expect(jobNameOf('photo')).toBe('convert-photo');
    const long = jobNameOf('x'.repeat(100));
    expect(long).toHaveLength(63);
    expect(long).not.toBe(jobNameOf(`${'x'.repeat(99)}y`));
  });
});

describe('conversion attestations', () => {
  const key = clusterKeyFromPem(
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  const out = `sha256:${'a'.repeat(64)}`;
  const input = `sha256:${'b'.repeat(64)}`;
  const statement = conversionStatement('photo.webp', out, {
    conversion: { namespace: 'default', name: 'c', uid: 'u' },
    input: { name: 'photo.jpg', digest: { sha256: input.slice(7) } },
    target: 'webp',
    engine: { name: 'image', version: 'sharp x' },
    options: { width: 10 },
    node: 'n1',
    pod: { name: 'p', uid: 'pu' },
    finishedAt: '2026-12-03T00:00:00.000Z',
  });

  it('verifies what the cluster key signed, about the output it names', () => {
    const envelope = signConversion(statement, key);
    const check = checkAttestation(envelope, key.publicKeyPem, key.keyId, { outputDigest: out, inputDigest: input });
    expect(check.ok).toBe(true);
    const other = checkAttestation(envelope, key.publicKeyPem, key.keyId, { outputDigest: `sha256:${'c'.repeat(64)}` });
    expect(other.ok).toBe(false);
    expect(other.checks.find((c) => c.name === 'output')?.detail).toMatch(/the output was changed/);
  });

  it('fails a statement changed after signing', () => {
    const envelope = signConversion(statement, key);
    const changed = { ...statement, predicate: { ...statement.predicate, node: 'elsewhere' } };
    const forged = { ...envelope, payload: Buffer.from(JSON.stringify(changed)).toString('base64') };
    const check = checkAttestation(forged, key.publicKeyPem, key.keyId, {});
    expect(check.checks[0]).toMatchObject({ name: 'signature', ok: false });
  });
});
