import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterKeyFromPem, verifyWithPublicKey } from '@/lib/auth/cluster-key.ts';
import {
  canonicalJson,
  checkpointMessage,
  GENESIS,
  linkHash,
  verifyChain,
  type ChainRecord,
  type SignedPoint,
} from '@/lib/audit/chain.ts';
import { checkpointLine, recordLine } from '@/lib/audit/lines.ts';
import { verifyAuditFiles } from '@/lib/audit/verify-files.ts';

const key = clusterKeyFromPem(
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
);

function chain(n: number): ChainRecord[] {
  const out: ChainRecord[] = [];
  let prev = GENESIS;
  for (let seq = 1; seq <= n; seq++) {
    const event = canonicalJson({
      kind: 'Event',
      auditID: `id-${seq}`,
      verb: 'create',
      user: { username: `u${seq % 3}` },
    });
    const hash = linkHash(prev, event);
    out.push({ seq, prevHash: prev, hash, event });
    prev = hash;
  }
  return out;
}

const sign = (r: ChainRecord): SignedPoint => {
  const time = new Date(1_700_000_000_000 + r.seq).toISOString();
  return {
    seq: r.seq,
    hash: r.hash,
    time,
    keyId: key.keyId,
    signature: key.sign(checkpointMessage(r.seq, r.hash, time)),
  };
};

const check = (records: ChainRecord[], head: SignedPoint | null, checkpoints: SignedPoint[] = []) =>
  verifyChain({
    records,
    head,
    checkpoints,
    verifySignature: (p) =>
      verifyWithPublicKey(key.publicKeyPem, checkpointMessage(p.seq, p.hash, p.time), p.signature),
    fromGenesis: true,
  });

describe('the audit hash chain', () => {
  const good = chain(50);
  const head = sign(good[49]);

  it('accepts an intact chain', async () => {
    expect(await check(good, head, [sign(good[19])])).toMatchObject({ ok: true, records: 50, checkpoints: 1 });
  });

  it('names an edited record', async () => {
    const edited = good.map((r) => (r.seq === 17 ? { ...r, event: r.event.replace('create', 'delete') } : r));
    const result = await check(edited, head);
    expect(result).toMatchObject({ ok: false, seq: 17, problem: 'changed' });
    expect(!result.ok && result.message).toMatch(/^audit verify: record #17 is changed/);
  });

  it('names an edited record whose hash was recomputed (the next one no longer links to it)', async () => {
    const edited = good.map((r) => ({ ...r }));
    edited[16].event = edited[16].event.replace('create', 'delete');
    edited[16].hash = linkHash(edited[16].prevHash, edited[16].event);
    expect(await check(edited, head)).toMatchObject({ ok: false, seq: 17, problem: 'changed' });
  });

  it('names a deleted record', async () => {
    expect(
      await check(
        good.filter((r) => r.seq !== 23),
        head,
      ),
    ).toMatchObject({ ok: false, seq: 23, problem: 'missing' });
    expect(await check(good.slice(1), head)).toMatchObject({ ok: false, seq: 1, problem: 'missing' });
  });

  it('names reordered records (swapped seq numbers)', async () => {
    const swapped = good.map((r) => ({ ...r }));
    const [a, b] = [swapped[9], swapped[10]];
    swapped[9] = { ...b, seq: 10 };
    swapped[10] = { ...a, seq: 11 };
    expect(await check(swapped, head)).toMatchObject({ ok: false, seq: 10, problem: 'out of order' });
    // A record moved far back.
    const moved = good.filter((r) => r.seq !== 5).map((r, i) => ({ ...r, seq: i + 1 }));
    moved.splice(30, 0, { ...good[4] });
    const renumbered = moved.map((r, i) => ({ ...r, seq: i + 1 }));
    expect(await check(renumbered, head)).toMatchObject({ ok: false, seq: 5, problem: 'out of order' });
  });

  it('names the first missing record of a truncated tail, against the signed head', async () => {
    expect(await check(good.slice(0, 42), head)).toMatchObject({ ok: false, seq: 43, problem: 'missing' });
    expect(await check([], head)).toMatchObject({ ok: false, seq: 1, problem: 'missing' });
  });

  it('detects a rewritten chain by its signed checkpoint, and forged signatures', async () => {
    let prev = GENESIS;
    const rewritten = good.map((r) => {
      const event = r.seq === 3 ? r.event.replace('create', 'delete') : r.event;
      const hash = linkHash(prev, event);
      const out = { ...r, prevHash: prev, hash, event };
      prev = hash;
      return out;
    });
    expect(await check(rewritten, sign(rewritten[49]), [sign(good[9])])).toMatchObject({
      ok: false,
      seq: 10,
      problem: 'changed',
    });
    const forged = { ...head, hash: rewritten[49].hash };
    expect(await check(rewritten, forged)).toMatchObject({ ok: false, seq: 50, problem: 'bad signature' });
  });

  it('verifies exported JSON-lines files with the public key only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-file-'));
    const file = join(dir, 'audit.jsonl');
    const rows = good.map((r) => ({
      ...r,
      time: new Date(),
      auditId: '',
      stage: '',
      level: '',
      user: '',
      verb: '',
      resource: '',
      namespace: '',
      name: '',
      code: 0,
      decision: '',
    }));
    const cp = { ...sign(good[49]), time: new Date(sign(good[49]).time as string) };
    writeFileSync(file, rows.map(recordLine).join('') + checkpointLine(cp));
    const pem = join(dir, 'key.pem');
    writeFileSync(pem, key.publicKeyPem);
    expect(await verifyAuditFiles([file], key.publicKeyPem)).toMatchObject({ ok: true, records: 50, checkpoints: 1 });
    const lines = readFileSync(file, 'utf8').split('\n');
    // Edited (one space added inside the event), deleted, truncated.
    writeFileSync(
      file,
      lines.map((l, i) => (i === 7 ? l.replace('"verb":"create"', '"verb": "create"') : l)).join('\n'),
    );
    expect(await verifyAuditFiles([file], key.publicKeyPem)).toMatchObject({ ok: false, seq: 8, problem: 'changed' });
    writeFileSync(file, lines.filter((_, i) => i !== 30).join('\n'));
    expect(await verifyAuditFiles([file], key.publicKeyPem)).toMatchObject({ ok: false, seq: 31, problem: 'missing' });
    writeFileSync(file, [...lines.slice(0, 40), lines[50]].join('\n'));
    expect(await verifyAuditFiles([file], key.publicKeyPem)).toMatchObject({ ok: false, seq: 41, problem: 'missing' });
    // A rotated file starting mid-chain verifies from its first record on.
    writeFileSync(file, lines.slice(20).join('\n'));
    expect(await verifyAuditFiles([file], key.publicKeyPem)).toMatchObject({ ok: true, records: 30 });
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"z":1}]},"b":1}',
    );
  });
});
