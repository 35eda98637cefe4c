import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { AuditCheckpointRow, AuditRow } from '../store/index.ts';
import { checkpointLine, recordLine } from './lines.ts';

// Where chained records go besides the database: rotated JSON-lines files and a webhook. Both are fed after the
// records are appended (they carry seq and hashes, so a file verifies offline) and neither ever blocks a request.

export interface AuditSink {
  readonly name: string;
  write(rows: AuditRow[], checkpoint: AuditCheckpointRow | null): void;
  /** Writes what is queued (the webhook gives up after `deadlineMs`). */
  close(deadlineMs?: number): Promise<void>;
}

export interface FileSinkOptions {
  path: string;
  maxBytes: number;
  maxFiles: number;
  log: Logger;
}

/** Appends to `path`; past maxBytes it becomes path.1 (path.1 becomes path.2 …), keeping maxFiles old files. */
export function fileSink(options: FileSinkOptions): AuditSink {
  const { path, maxBytes, maxFiles, log } = options;
  let size: number | undefined;
  let chain: Promise<void> = mkdir(dirname(path), { recursive: true }).then(() => undefined);
  let failing = false;

  const rotate = async () => {
    await rm(`${path}.${maxFiles}`, { force: true });
    for (let i = maxFiles - 1; i >= 1; i--) await rename(`${path}.${i}`, `${path}.${i + 1}`).catch(() => {});
    await rename(path, `${path}.1`).catch(() => {});
    size = 0;
  };
  const append = async (text: string) => {
    size ??= await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    if (size > 0 && size + Buffer.byteLength(text) > maxBytes) await rotate();
    await appendFile(path, text);
    size += Buffer.byteLength(text);
  };
  return {
    name: 'file',
    write(rows, checkpoint) {
      const text = rows.map(recordLine).join('') + (checkpoint ? checkpointLine(checkpoint) : '');
      chain = chain
        .then(() => append(text))
        .then(
          () => {
            if (failing) log.info({ path }, 'the audit log file is writable again');
            failing = false;
          },
          (err: Error) => {
            if (!failing)
              log.error({ err: err.message, path }, 'cannot write the audit log file; records stay in the database');
            failing = true;
          },
        );
    },
    close: () => chain,
  };
}

export interface WebhookSinkOptions {
  url: string;
  log: Logger;
  /** Events per POST (kube-apiserver's webhook backend sends 400). */
  batchSize?: number;
  /** Events kept while the receiver is down; the oldest are dropped past it. */
  maxQueued?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  timeoutMs?: number;
}

/**
 * POSTs batches as an audit.k8s.io/v1 EventList, one request at a time, in order; a failed batch is retried
 * with exponential backoff (the queue keeps growing meanwhile, up to maxQueued).
 */
export function webhookSink(
  options: WebhookSinkOptions,
): AuditSink & { readonly queued: number; readonly dropped: number } {
  const batchSize = options.batchSize ?? 400;
  const maxQueued = options.maxQueued ?? 100_000;
  const initial = options.initialBackoffMs ?? 500;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  const queue: string[] = [];
  let dropped = 0;
  let sending: Promise<void> | null = null;
  let backoff = initial;
  let closing = false;
  let wake: (() => void) | null = null;

  const post = async (items: string[]) => {
    const res = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[${items.join(',')}]}`,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`the audit webhook answered ${res.status}`);
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const drain = async () => {
    while (queue.length) {
      const items = queue.slice(0, batchSize);
      try {
        await post(items);
        queue.splice(0, items.length);
        backoff = initial;
      } catch (err) {
        if (closing) return;
        options.log.warn(
          { err: (err as Error).message, queued: queue.length, retryMs: backoff },
          'audit webhook failed; retrying',
        );
        await pause(backoff);
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
  };
  const kick = () => {
    sending ??= drain().finally(() => {
      sending = null;
      if (queue.length && !closing) kick();
    });
  };
  return {
    name: 'webhook',
    get queued() {
      return queue.length;
    },
    get dropped() {
      return dropped;
    },
    write(rows) {
      for (const row of rows) queue.push(row.event);
      if (queue.length > maxQueued) {
        const over = queue.length - maxQueued;
        queue.splice(0, over);
        dropped += over;
        options.log.error(
          { dropped: over },
          'the audit webhook is too far behind; dropped its oldest events (the database keeps them)',
        );
      }
      kick();
    },
    async close(deadlineMs = 5_000) {
      const deadline = new Promise<void>((r) => setTimeout(r, deadlineMs).unref());
      await Promise.race([sending ?? Promise.resolve(), deadline]);
      closing = true;
      (wake as (() => void) | null)?.();
    },
  };
}
