import { backupService } from '../backup/index.ts';
import type { Platform } from '../platform.ts';
import { APP_VERSION } from './health.ts';

/** The backup service of this instance (the backup routes run on the leader: followers forward them). */
export const backupsOf = (platform: Platform) =>
  backupService({
    store: platform.store,
    clusterKey: platform.clusterKey,
    version: APP_VERSION,
    dir: platform.config.backupDir,
  });
