import { createBackup } from './create.ts';
import { BackupDirectory, type StoredBackup } from './directory.ts';
import type { BackupStore } from './content.ts';
import type { BackupManifest, Signer } from './format.ts';
import { restoreBackup, type RestoreOptions, type RestoreReport } from './restore.ts';

export { BackupDirectory } from './directory.ts';
export type { StoredBackup } from './directory.ts';
export { BackupScheduler, SCHEDULED_TAG } from './schedule.ts';
export type { RestoreReport, RestoreOptions } from './restore.ts';
export type { BackupManifest } from './format.ts';
export type { KindDiff, BackupDiff } from './diff.ts';
export { exportNamespace, importNamespace, type ImportResult, type ImportReport } from './namespace-yaml.ts';

export interface BackupServiceDeps {
  store: BackupStore;
  /** The cluster's ed25519 key: signs new backups, and backups it signed are trusted. */
  clusterKey: Signer;
  version: string;
  /** ENTROOS_BACKUP_DIR. */
  dir: string;
}

/** Backups and restores as the API, the CLI and the schedule use them. */
export function backupService(deps: BackupServiceDeps) {
  const directory = new BackupDirectory(deps.dir);
  const create = () => createBackup({ store: deps.store, signer: deps.clusterKey, version: deps.version });
  return {
    directory,
    /** A backup file (not stored). */
    create,
    /** A backup, stored in the backup directory. */
    createStored: async (): Promise<StoredBackup & { file: Buffer; manifest: BackupManifest }> => {
      const { file, manifest } = await create();
      return { ...(await directory.save(file, manifest)), manifest, file };
    },
    restore: (file: Buffer, options: RestoreOptions): Promise<RestoreReport> =>
      restoreBackup({ store: deps.store, clusterKeyId: deps.clusterKey.keyId }, file, options),
  };
}
