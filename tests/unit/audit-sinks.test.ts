import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRow } from '@/lib/store/index.ts';
import { fileSink, webhookSink } from '@/lib/audit/sinks.ts';

const log = pino({ level: 'silent' });
const row = (seq: number): AuditRow => ({
  seq,
  time: new Date(),
  auditId: `a${seq}`,
  stage: 'ResponseComplete',
  level: 'Metadata',
  user: 'u',
  verb: 'get',
  resource: 'pods',
  namespace: 'ns',
  name: 'p',
  code: 200,
  decision: 'allow',
  event: `{"auditID":"a${seq}","kind":"Event"}`,
  prevHash: 'p'.repeat(64),
  hash: 'h'.repeat(64),
});

let server: Server | undefined;
afterEach(() => server?.close());

describe('audit sinks', () => {
  it('the webhook gets EventList batches in order, retried with backoff while the receiver fails', async () => {
    const received: string[][] = [];
    let failures = 3;
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (failures-- > 0) {
          res.writeHead(503).end();
          return;
        }
        const list = JSON.parse(body) as { kind: string; apiVersion: string; items: { auditID: string }[] };
        expect(list).toMatchObject({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1' });
        received.push(list.items.map((i) => i.auditID));
        res.writeHead(200).end();
        if (received.flat().length === 25) done();
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const sink = webhookSink({ url: `http://127.0.0.1:${port}/audit`, log, batchSize: 10, initialBackoffMs: 20 });
    sink.write([1, 2, 3, 4, 5].map(row), null);
    sink.write(
      Array.from({ length: 20 }, (_, i) => row(i + 6)),
      null,
    );
    await all;
    expect(received.flat()).toEqual(Array.from({ length: 25 }, (_, i) => `a${i + 1}`));
    expect(received.every((batch) => batch.length <= 10)).toBe(true);
    await sink.close();
    expect(sink.queued).toBe(0);
  });

  it('the file rotates past its size and keeps maxFiles old files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-sink-'));
    const path = join(dir, 'audit.jsonl');
    const sink = fileSink({ path, maxBytes: 2_000, maxFiles: 2, log });
    for (let i = 0; i < 40; i++) sink.write([row(i * 2 + 1), row(i * 2 + 2)], null);
    await sink.close();
    expect(readdirSync(dir).sort()).toEqual(['audit.jsonl', 'audit.jsonl.1', 'audit.jsonl.2']);
    const last = readFileSync(path, 'utf8').trim().split('\n').at(-1);
    expect(JSON.parse(last!)).toMatchObject({ seq: 80, event: { auditID: 'a80' } });
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).length).toBeLessThanOrEqual(2_000);
  });
});
