import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { notFound, badRequest } from '../apimachinery/errors.ts';
import { readManifest, type BackupManifest } from './format.ts';

// Backups kept on the leader's disk (ENTROOS_BACKUP_DIR): the API's and the schedule's. Names are made here and
// checked on the way in, so a name from a URL never leaves the directory.

export interface StoredBackup {
  name: string;
  bytes: number;
  manifest: BackupManifest | null;
  /** Why the manifest could not be read (a damaged or foreign file in the directory). */
  error?: string;
}

const NAME = /^entroos-backup-[0-9TZ-]+-rv\d+(-[a-z0-9]+)?\.tar\.gz$/;

export const backupName = (manifest: BackupManifest, tag?: string) =>
  `entroos-backup-${manifest.createdAt.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}-rv${manifest.resourceVersion}${tag ? `-${tag}` : ''}.tar.gz`;

export class BackupDirectory {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  private path(name: string): string {
    if (!NAME.test(name))
      throw badRequest(`${JSON.stringify(name)} is not a backup name (entroos-backup-…-rvN.tar.gz)`);
    return join(this.dir, name);
  }

  /** Stores a backup (written to a temporary name first: a reader never sees half a file). */
  async save(file: Buffer, manifest: BackupManifest, tag?: string): Promise<StoredBackup> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const name = backupName(manifest, tag);
    const path = this.path(name);
    await writeFile(`${path}.partial`, file, { mode: 0o600 });
    await rename(`${path}.partial`, path);
    return { name, bytes: file.length, manifest };
  }

  async read(name: string): Promise<Buffer> {
    try {
      return await readFile(this.path(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw notFound(`backup ${name} not found in ${this.dir}`, { kind: 'backups', name });
      throw err;
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await unlink(this.path(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw notFound(`backup ${name} not found in ${this.dir}`, { kind: 'backups', name });
      throw err;
    }
  }

  /** The stored backups, newest first. */
  async list(): Promise<StoredBackup[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => NAME.test(n));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out = await Promise.all(
      names.map(async (name): Promise<StoredBackup> => {
        const path = join(this.dir, name);
        const { size } = await stat(path);
        try {
          return { name, bytes: size, manifest: readManifest(await readFile(path)) };
        } catch (err) {
          return { name, bytes: size, manifest: null, error: (err as Error).message };
        }
      }),
    );
    const time = (b: StoredBackup) => b.manifest?.createdAt ?? '';
    return out.sort((a, b) => (time(a) < time(b) ? 1 : time(a) > time(b) ? -1 : a.name < b.name ? 1 : -1));
  }

  /** Deletes the oldest scheduled backups beyond `keep` (backups taken by hand are never pruned). */
  async prune(keep: number, tag: string): Promise<string[]> {
    const scheduled = (await this.list()).filter((b) => b.name.endsWith(`-${tag}.tar.gz`));
    const gone = scheduled.slice(keep).map((b) => b.name);
    for (const name of gone) await unlink(join(this.dir, name)).catch(() => {});
    return gone;
  }
}
