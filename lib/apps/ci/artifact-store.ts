import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

// Artifacts are files named by their sha256 under the data directory (ci-artifacts/sha256/ab/abcdef…), not
// PostgreSQL large objects: SQLite (the default store) has none, a file is served and hashed by streaming
// without holding a transaction, the same content from a thousand runs is one file, and backups of the object
// store stay small (the Artifact objects, which hold the digests, are what is backed up). What the store keeps
// is only content: who made it and why lives in the Artifact objects, so a file no Artifact names is garbage.

const DIGEST = /^sha256:([a-f0-9]{64})$/;

export class ArtifactStore {
  constructor(readonly root: string) {}

  private pathOf(digest: string): string {
    const hex = DIGEST.exec(digest)?.[1];
    if (!hex) throw new Error(`not a sha256 digest: ${digest}`);
    return join(this.root, 'sha256', hex.slice(0, 2), hex);
  }

  /** Stores content (once: the same bytes are the same file) and answers its digest and size. */
  async put(content: Buffer): Promise<{ digest: string; size: number }> {
    const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    const path = this.pathOf(digest);
    try {
      await stat(path);
    } catch {
      await mkdir(dirname(path), { recursive: true });
      // Written aside and renamed: a reader never sees half a file under its digest.
      const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temp, content);
      await rename(temp, path);
    }
    return { digest, size: content.length };
  }

  /** The content, checked against its digest (a file changed on disk is refused, not served). */
  async get(digest: string): Promise<Buffer | undefined> {
    let content: Buffer;
    try {
      content = await readFile(this.pathOf(digest));
    } catch {
      return undefined;
    }
    const actual = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    if (actual !== digest) throw new Error(`artifact content ${digest} is corrupt on disk (it hashes to ${actual})`);
    return content;
  }

  /**
   * Removes the files no Artifact references; files younger than `graceMs` stay (their Artifact may be being
   * created). Answers how many files and bytes went.
   */
  async collect(referenced: Set<string>, graceMs: number, now = Date.now()): Promise<{ files: number; bytes: number }> {
    const removed = { files: 0, bytes: 0 };
    const base = join(this.root, 'sha256');
    let prefixes: string[];
    try {
      prefixes = await readdir(base);
    } catch {
      return removed;
    }
    for (const prefix of prefixes) {
      for (const name of await readdir(join(base, prefix))) {
        const path = join(base, prefix, name);
        const info = await stat(path).catch(() => undefined);
        if (!info || now - info.mtimeMs < graceMs) continue;
        if (!name.endsWith('.tmp') && referenced.has(`sha256:${name}`)) continue;
        await rm(path, { force: true });
        removed.files += 1;
        removed.bytes += info.size;
      }
    }
    return removed;
  }
}

/** Where artifacts live: ENTROOS_CI_ARTIFACT_DIR, or ci-artifacts beside the backups in the data directory. */
export const artifactDir = (backupDir: string, env: NodeJS.ProcessEnv = process.env): string =>
  env.ENTROOS_CI_ARTIFACT_DIR || join(dirname(backupDir), 'ci-artifacts');
