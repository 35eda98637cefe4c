import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

// Content-addressed file storage under the app's directory: each file at blobs/<sha256 hex>, its record (size,
// content type, name, when it expires) beside it in meta/. Files are hashed as they stream in, never held in
// memory; the same content stored twice is one file. A quota bounds the whole store (a write that would pass it
// is refused before it is kept) and an expiry drops files not written again within it.

export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

export interface StoredFile {
  digest: string;
  size: number;
  contentType: string;
  filename?: string;
  createdAt: string;
  expiresAt: string;
  /** The users who uploaded this content (the same bytes uploaded twice are one file with two owners). */
  owners?: string[];
}

export class QuotaExceeded extends Error {
  constructor(
    readonly needed: number,
    readonly free: number,
  ) {
    super(`the file store's quota is full: ${needed} bytes needed, ${free} free`);
  }
}

export interface FileStoreOptions {
  dir: string;
  quotaBytes: number;
  expiryMs: number;
}

export class FileStore {
  readonly blobs: string;
  readonly meta: string;
  readonly uploads: string;
  readonly work: string;
  readonly results: string;
  private used: number | undefined;
  private ready: Promise<void> | undefined;

  constructor(readonly options: FileStoreOptions) {
    this.blobs = join(options.dir, 'blobs');
    this.meta = join(options.dir, 'meta');
    this.uploads = join(options.dir, 'uploads');
    this.work = join(options.dir, 'work');
    this.results = join(options.dir, 'results');
  }

  init(): Promise<void> {
    this.ready ??= (async () => {
      for (const d of [this.blobs, this.meta, this.uploads, this.work, this.results])
        await mkdir(d, { recursive: true, mode: 0o700 });
    })();
    return this.ready;
  }

  /** Bytes stored (files and uploads in progress count alike against the quota). */
  async usage(): Promise<number> {
    await this.init();
    if (this.used === undefined) {
      let total = 0;
      for (const dir of [this.blobs, this.uploads])
        for (const f of await readdir(dir))
          total += await stat(join(dir, f)).then(
            (s) => s.size,
            () => 0,
          );
      this.used = total;
    }
    return this.used;
  }

  async free(): Promise<number> {
    return Math.max(0, this.options.quotaBytes - (await this.usage()));
  }

  /** Counts bytes written outside `put` (an upload's chunks). */
  account(bytes: number) {
    if (this.used !== undefined) this.used += bytes;
  }

  pathOf(digest: string): string {
    if (!DIGEST_PATTERN.test(digest)) throw new Error(`not a sha256 digest: ${digest}`);
    return join(this.blobs, digest.slice(7));
  }

  async get(digest: string): Promise<StoredFile | undefined> {
    if (!DIGEST_PATTERN.test(digest)) return undefined;
    try {
      const record = JSON.parse(await readFile(join(this.meta, `${digest.slice(7)}.json`), 'utf8')) as StoredFile;
      await stat(this.pathOf(digest));
      return record;
    } catch {
      return undefined;
    }
  }

  /**
   * The record of a stored file read synchronously, for admission (which answers synchronously): one small JSON
   * file, read from the page cache in microseconds. Undefined when the file is not stored.
   */
  recordSync(digest: string): StoredFile | undefined {
    if (!DIGEST_PATTERN.test(digest)) return undefined;
    try {
      return JSON.parse(readFileSync(join(this.meta, `${digest.slice(7)}.json`), 'utf8')) as StoredFile;
    } catch {
      return undefined;
    }
  }

  /**
   * Stores a file from `source` (a path, moved in, or a stream), hashing it on the way; answers its record. A file
   * that passes the quota is refused (QuotaExceeded) and nothing is kept.
   */
  async put(
    source: string | NodeJS.ReadableStream,
    info: { contentType: string; filename?: string; move?: boolean; owner?: string },
  ): Promise<StoredFile> {
    await this.init();
    const hash = createHash('sha256');
    let size = 0;
    let path: string;
    if (typeof source === 'string' && info.move) {
      await pipeline(
        createReadStream(source),
        new Transform({ transform: (chunk: Buffer, _e, done) => (hash.update(chunk), (size += chunk.length), done()) }),
      );
      path = source;
    } else {
      path = join(this.work, `incoming-${randomUUID()}`);
      const free = await this.free();
      const counter = new Transform({
        transform(chunk: Buffer, _e, done) {
          hash.update(chunk);
          size += chunk.length;
          if (size > free) return done(new QuotaExceeded(size, free));
          done(null, chunk);
        },
      });
      try {
        await pipeline(
          typeof source === 'string' ? createReadStream(source) : source,
          counter,
          createWriteStream(path, { mode: 0o600 }),
        );
      } catch (err) {
        await rm(path, { force: true });
        throw err;
      }
    }
    const digest = `sha256:${hash.digest('hex')}`;
    const existing = await this.get(digest);
    const target = this.pathOf(digest);
    if (!existing) {
      const free = await this.free();
      // A moved file already counts against the quota where it was (an upload's file).
      if (!info.move && size > free) {
        await rm(path, { force: true });
        throw new QuotaExceeded(size, free);
      }
      await rename(path, target);
      if (!info.move) this.account(size);
    } else {
      await rm(path, { force: true });
      if (info.move && this.used !== undefined) this.used -= size; // the upload's copy is gone
    }
    const now = Date.now();
    const record: StoredFile = {
      digest,
      size,
      contentType: info.contentType,
      filename: info.filename ?? existing?.filename,
      createdAt: existing?.createdAt ?? new Date(now).toISOString(),
      expiresAt: new Date(now + this.options.expiryMs).toISOString(),
    };
    const owners = [...new Set([...(existing?.owners ?? []), ...(info.owner ? [info.owner] : [])])];
    if (owners.length) record.owners = owners;
    await writeFile(join(this.meta, `${digest.slice(7)}.json`), JSON.stringify(record), { mode: 0o600 });
    return record;
  }

  /** Drops the files past their expiry, and uploads abandoned for as long; answers how many files went. */
  async expire(now = Date.now()): Promise<number> {
    await this.init();
    let dropped = 0;
    for (const f of await readdir(this.uploads)) {
      const path = join(this.uploads, f);
      const info = await stat(path).catch(() => undefined);
      if (!info || info.mtimeMs + this.options.expiryMs > now) continue;
      await rm(path, { force: true });
      // Its reservation (or what arrived of it) is counted again from disk.
      this.used = undefined;
    }
    for (const f of await readdir(this.meta)) {
      try {
        const record = JSON.parse(await readFile(join(this.meta, f), 'utf8')) as StoredFile;
        if (Date.parse(record.expiresAt) > now) continue;
        await rm(this.pathOf(record.digest), { force: true });
        await rm(join(this.meta, f), { force: true });
        if (this.used !== undefined) this.used -= record.size;
        dropped++;
      } catch {
        // a record being written; the next sweep sees it
      }
    }
    return dropped;
  }
}
