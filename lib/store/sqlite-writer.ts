import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

// The SQLite store's writer thread (sqlite-writer-thread.mjs). Through Prisma's SQLite adapter a group commit ran on
// the event loop from end to end: Prisma compiling each multi-row statement with its parameters (a third of the
// commit), better-sqlite3 executing it, the WAL's checkpoints (tens of ms every few thousand writes). The
// objects' group commits and the audit trail's appends, the store's steady writes, run on this thread instead;
// the event loop only posts the rows and awaits the answer. Everything else still goes through Prisma, on its own
// connection (WAL: readers are never blocked; SQLite serialises the writers).

// Beside this module (the sources, or the standalone build, which copies it next to its bundle), else where the
// sources keep it (server.ts bundled at the root of a checkout, as the tests run it).
function threadFile(): URL {
  const beside = new URL('./sqlite-writer-thread.mjs', import.meta.url);
  return existsSync(beside) ? beside : new URL('./lib/store/sqlite-writer-thread.mjs', import.meta.url);
}

/** A group commit as the thread takes it: rows as statement parameters, in column order. */
export interface WriterCommit {
  /** resource, namespace, name */
  deletes: [string, string, string][];
  /** resource, namespace, name, uid, resourceVersion, data */
  puts: [string, string, string, string, number, string][];
  resourceVersion: number;
  counterKey: string;
  fence: { name: string; holder: string; term: number } | null;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/** An audit append as the thread takes it; it is refused (and the head returned) when `after` is not the head. */
export interface WriterAppend {
  after: ChainHead & { genesis: string };
  /** In the thread's audit column order. */
  rows: unknown[][];
  /** key, value, updatedAt */
  setting: [string, string, string];
  /** seq, hash, time, keyId, signature */
  checkpoint: [number, string, string, string, string] | null;
}

type Request =
  { op: 'commit'; batch: WriterCommit } | { op: 'append'; append: WriterAppend } | { op: 'head' } | { op: 'close' };

type Reply = { id: number } & (
  { ok: true; result?: unknown } | { ok: false; error: { name: string; message: string; code?: string } }
);

/** How often the checkpointer thread copies the WAL into the database. */
const CHECKPOINT_MS = 500;
/** The writer's own automatic checkpoint, for when the checkpointer falls behind (SQLite's default: 1,000). */
const WRITER_AUTOCHECKPOINT_PAGES = 20_000;

export class SqliteWriter {
  private readonly worker: Worker;
  private readonly checkpointer: Worker;
  private readonly checkpointerExited: Promise<unknown>;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (result: unknown) => void; reject: (err: Error) => void }>();
  private failure: Error | null = null;
  private closing = false;
  private readonly exited: Promise<void>;

  constructor(path: string, auditColumns: readonly string[], busyTimeoutMs = 60_000) {
    const common = { path, busyTimeoutMs, checkpointMs: CHECKPOINT_MS };
    this.worker = new Worker(threadFile(), {
      workerData: { ...common, auditColumns, autocheckpointPages: WRITER_AUTOCHECKPOINT_PAGES },
    });
    // A second connection on a thread of its own checkpoints the WAL, so no commit waits for a checkpoint's fsync.
    this.checkpointer = new Worker(threadFile(), { workerData: { ...common, role: 'checkpointer' } });
    this.checkpointer.unref();
    this.checkpointer.on('error', () => undefined); // the writer's automatic checkpoint still bounds the WAL
    this.checkpointerExited = new Promise((resolve) => this.checkpointer.once('exit', resolve));
    // Referenced only while a request is waiting: an idle writer does not keep the process alive.
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (!this.waiting.size && !this.closing) this.worker.unref();
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(Object.assign(new Error(reply.error.message), reply.error));
    });
    this.worker.on('error', (err) => this.fail(err));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        this.fail(new Error(`the SQLite writer thread exited (code ${code})`));
        resolve();
      }),
    );
  }

  /** False once the thread has died: the caller writes through Prisma instead. */
  get alive(): boolean {
    return this.failure === null;
  }

  /** Runs a group commit in one transaction; false when the fence's lease is no longer held (nothing written). */
  async commit(batch: WriterCommit): Promise<boolean> {
    const { leaseLost } = (await this.call({ op: 'commit', batch })) as { leaseLost: boolean };
    return !leaseLost;
  }

  async auditHead(): Promise<ChainHead | null> {
    return (await this.call({ op: 'head' })) as ChainHead | null;
  }

  /** Appends in one transaction; returns null when done, else the chain's actual head (link again from it). */
  async appendAudit(append: WriterAppend): Promise<{ head: ChainHead | null } | null> {
    const result = (await this.call({ op: 'append', append })) as { appended: boolean; head?: ChainHead | null };
    return result.appended ? null : { head: result.head ?? null };
  }

  async close(): Promise<void> {
    // Referenced until they have exited: a script that closes the store and then exits must not end before.
    this.closing = true;
    this.checkpointer.ref();
    this.worker.ref();
    this.checkpointer.postMessage({ op: 'close' });
    await this.checkpointerExited;
    if (this.failure) return;
    await this.call({ op: 'close' }).catch(() => undefined);
    await this.exited;
  }

  private call(request: Request): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (!this.waiting.size) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  private fail(err: Error) {
    this.failure ??= err;
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }
}
