import { backupParts, type BackupStore } from './content.ts';
import { packBackup, type BackupManifest, type Signer } from './format.ts';

export interface CreateBackupDeps {
  store: BackupStore;
  /** The cluster's ed25519 key. */
  signer: Signer;
  /** The EntroOS version, recorded in the manifest. */
  version: string;
}

/**
 * Takes a backup without stopping writes: every object as of one resourceVersion, read from the watch cache's
 * snapshot (the cache holds every object and is what the database is written from; its snapshot is taken in one
 * synchronous pass and returned once that version is durable), then the accounts from the database.
 */
export async function createBackup(deps: CreateBackupDeps): Promise<{ file: Buffer; manifest: BackupManifest }> {
  const { store, signer, version } = deps;
  const snapshot = await store.objects.snapshot();
  const accounts = await store.backup.accounts();
  const { parts, counts } = backupParts(store, snapshot.objects, accounts);
  return packBackup(
    {
      entroosVersion: version,
      createdAt: new Date().toISOString(),
      resourceVersion: snapshot.resourceVersion,
      sourceDatabase: store.provider,
      secretKeyId: store.backup.secretKeyId,
      counts,
    },
    parts,
    signer,
  );
}
