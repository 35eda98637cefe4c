// The SQLite writer thread (see sqlite-writer.ts): a connection of its own that runs the API objects' group commits
// and the audit trail's appends, so their statements, the WAL's fsyncs and its checkpoints take this thread's time
// and not the server's event loop. Statements are prepared once (Prisma compiles every query it is given, with its
// parameters, on the calling thread). Plain JavaScript: worker_threads loads it without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');

if (workerData.role === 'checkpointer') {
  // The checkpointer: copies the WAL into the database (and fsyncs it) on its own thread, so no commit waits for a
  // checkpoint. PASSIVE never blocks the writer; the WAL restarts from its beginning at the writer's next commit.
  const timer = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // busy or closing: the next round, or the writer's own automatic checkpoint, does it
    }
  }, workerData.checkpointMs);
  parentPort.on('message', () => {
    clearInterval(timer);
    db.close();
    parentPort.close();
  });
} else serveWrites();

function serveWrites() {
  // The writer checkpoints only if the checkpointer falls far behind (SQLite's default is 1,000 pages).
  db.pragma(`wal_autocheckpoint = ${workerData.autocheckpointPages}`);

  const upsertObject = db.prepare(
    'INSERT INTO "KubeObject" ("resource", "namespace", "name", "uid", "resourceVersion", "data") VALUES (?, ?, ?, ?, ?, ?) ' +
      'ON CONFLICT ("resource", "namespace", "name") DO UPDATE SET "uid" = excluded."uid", "resourceVersion" = excluded."resourceVersion", "data" = excluded."data"',
  );
  const deleteObject = db.prepare('DELETE FROM "KubeObject" WHERE "resource" = ? AND "namespace" = ? AND "name" = ?');
  const setCounter = db.prepare(
    'INSERT INTO "Counter" ("key", "value") VALUES (?, ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"',
  );
  const checkFence = db.prepare(
    'UPDATE "LeaderLease" SET "holder" = "holder" WHERE "name" = ? AND "holder" = ? AND "term" = ?',
  );
  const lastAudit = db.prepare('SELECT "seq", "hash" FROM "AuditRecord" ORDER BY "seq" DESC LIMIT 1');
  const insertAudit = db.prepare(
    `INSERT INTO "AuditRecord" (${workerData.auditColumns.map((c) => `"${c}"`).join(', ')}) VALUES (${workerData.auditColumns.map(() => '?').join(', ')})`,
  );
  const setSetting = db.prepare(
    'INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (?, ?, ?) ' +
      'ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", "updatedAt" = excluded."updatedAt"',
  );
  const insertCheckpoint = db.prepare(
    'INSERT INTO "AuditCheckpoint" ("seq", "hash", "time", "keyId", "signature") VALUES (?, ?, ?, ?, ?)',
  );

  const head = () => {
    const row = lastAudit.get();
    return row ? { seq: Number(row.seq), hash: row.hash } : null;
  };

  // Each runs in one IMMEDIATE transaction: the write lock is taken first, so what it reads (the lease, the chain's
  // head) cannot change before it commits.
  const commitObjects = db.transaction(({ puts, deletes, resourceVersion, counterKey, fence }) => {
    if (fence && checkFence.run(fence.name, fence.holder, fence.term).changes !== 1) return { leaseLost: true };
    for (const d of deletes) deleteObject.run(d);
    for (const p of puts) upsertObject.run(p);
    setCounter.run(counterKey, resourceVersion);
    return { leaseLost: false };
  });

  const appendAudit = db.transaction(({ after, rows, setting, checkpoint }) => {
    const current = head();
    // Another writer (an instance on the same file) appended since the caller read the head: it links again.
    if ((current?.seq ?? 0) !== after.seq || (current?.hash ?? after.genesis) !== after.hash)
      return { appended: false, head: current };
    for (const row of rows) insertAudit.run(row);
    setSetting.run(setting);
    if (checkpoint) insertCheckpoint.run(checkpoint);
    return { appended: true };
  });

  parentPort.on('message', (request) => {
    try {
      let result;
      if (request.op === 'commit') result = commitObjects.immediate(request.batch);
      else if (request.op === 'append') result = appendAudit.immediate(request.append);
      else if (request.op === 'head') result = head();
      else if (request.op === 'close') {
        db.close();
        parentPort.postMessage({ id: request.id, ok: true });
        parentPort.close();
        return;
      } else throw new Error(`unknown request ${request.op}`);
      parentPort.postMessage({ id: request.id, ok: true, result });
    } catch (err) {
      parentPort.postMessage({
        id: request.id,
        ok: false,
        error: { name: err.name, message: err.message, code: err.code },
      });
    }
  });
}
