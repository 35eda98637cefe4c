import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../apimachinery/object.ts';
import type { Db } from './db.ts';
import { ENCRYPTED_RESOURCES, rowContext, type SecretCipher } from './secret-cipher.ts';

// What a backup holds besides the API objects, read and written here because only the store touches Prisma:
// users (with their password hashes), API tokens (their sha256, never a secret), and the settings that are the
// cluster's configuration. Secrets are sealed for a backup as they are stored: under the cluster's secret key,
// bound to their resource/namespace/name.

/** Settings that are cluster configuration. Not: keys and secrets (auth secret, TLS, signing key), the cluster id,
 * the overview's history, chaos mode and the demo marker, which belong to one running cluster. */
export const BACKED_UP_SETTINGS: readonly string[] = ['scheduler.config', 'runtime.imageMarks'];

export interface BackupUser {
  id: string;
  username: string;
  passwordHash: string;
  role: string;
  disabled: boolean;
  createdAt: string;
}

export interface BackupToken {
  id: string;
  name: string;
  userId: string;
  secretHash: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface BackupSetting {
  key: string;
  value: string;
}

export interface Accounts {
  users: BackupUser[];
  tokens: BackupToken[];
  settings: BackupSetting[];
}

export interface AccountsApplied {
  users: { added: string[]; changed: string[] };
  tokens: { added: string[]; changed: string[] };
  settings: { added: string[]; changed: string[] };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function backupRepo(db: Db, cipher: SecretCipher) {
  return {
    /** The id of the key Secrets are sealed with (a restore needs the same key). */
    secretKeyId: cipher.keyId,
    /** Whether this resource's objects travel sealed. */
    sealed: (resource: string) => ENCRYPTED_RESOURCES.has(resource),
    seal: (resource: string, object: KubeObject): string =>
      cipher.encrypt(
        JSON.stringify(object),
        rowContext(resource, object.metadata.namespace ?? '', object.metadata.name),
      ),
    /** Throws a SecretKeyError naming the key when this cluster does not hold the key it was sealed with. */
    open: (resource: string, namespace: string, name: string, sealed: string): KubeObject =>
      JSON.parse(cipher.decrypt(sealed, rowContext(resource, namespace, name))) as KubeObject,
    accounts: async (): Promise<Accounts> => {
      const [users, tokens, settings] = await Promise.all([
        db.user.findMany({ orderBy: { username: 'asc' } }),
        db.apiToken.findMany({ orderBy: { id: 'asc' } }),
        db.setting.findMany({ where: { key: { in: [...BACKED_UP_SETTINGS] } }, orderBy: { key: 'asc' } }),
      ]);
      return {
        users: users.map((u) => ({
          id: u.id,
          username: u.username,
          passwordHash: u.passwordHash,
          role: u.role,
          disabled: u.disabled,
          createdAt: u.createdAt.toISOString(),
        })),
        tokens: tokens.map((t) => ({
          id: t.id,
          name: t.name,
          userId: t.userId,
          secretHash: t.secretHash,
          prefix: t.prefix,
          createdAt: t.createdAt.toISOString(),
          expiresAt: iso(t.expiresAt),
          revokedAt: iso(t.revokedAt),
        })),
        settings: settings.map((s) => ({ key: s.key, value: s.value })),
      };
    },
    /**
     * Merges a backup's accounts into the database in one transaction. Users match by username (a fresh cluster's
     * admin has another id than the backup's), tokens by their hash; nothing the backup lacks is removed, so the
     * administrator who restores keeps their access. A user whose password, role or state changes loses their
     * sessions.
     */
    applyAccounts: (accounts: Accounts): Promise<AccountsApplied> =>
      db.$transaction(async (tx) => {
        const applied: AccountsApplied = {
          users: { added: [], changed: [] },
          tokens: { added: [], changed: [] },
          settings: { added: [], changed: [] },
        };
        const idOf = new Map<string, string>();
        for (const user of accounts.users) {
          const live = await tx.user.findUnique({ where: { username: user.username } });
          if (live) {
            idOf.set(user.id, live.id);
            if (live.passwordHash === user.passwordHash && live.role === user.role && live.disabled === user.disabled)
              continue;
            await tx.user.update({
              where: { id: live.id },
              data: {
                passwordHash: user.passwordHash,
                role: user.role,
                disabled: user.disabled,
                sessionGeneration: { increment: 1 },
              },
            });
            applied.users.changed.push(user.username);
          } else {
            const taken = await tx.user.findUnique({ where: { id: user.id } });
            const id = taken ? randomUUID() : user.id;
            await tx.user.create({
              data: {
                id,
                username: user.username,
                passwordHash: user.passwordHash,
                role: user.role,
                disabled: user.disabled,
                createdAt: new Date(user.createdAt),
              },
            });
            idOf.set(user.id, id);
            applied.users.added.push(user.username);
          }
        }
        for (const token of accounts.tokens) {
          const userId = idOf.get(token.userId);
          if (!userId) continue;
          const fields = {
            name: token.name,
            userId,
            prefix: token.prefix,
            expiresAt: token.expiresAt ? new Date(token.expiresAt) : null,
            revokedAt: token.revokedAt ? new Date(token.revokedAt) : null,
          };
          const live = await tx.apiToken.findUnique({ where: { secretHash: token.secretHash } });
          if (live) {
            if (
              live.name === fields.name &&
              live.userId === userId &&
              iso(live.expiresAt) === token.expiresAt &&
              iso(live.revokedAt) === token.revokedAt
            )
              continue;
            await tx.apiToken.update({ where: { id: live.id }, data: fields });
            applied.tokens.changed.push(token.prefix);
          } else {
            const taken = await tx.apiToken.findUnique({ where: { id: token.id } });
            await tx.apiToken.create({
              data: {
                id: taken ? randomUUID() : token.id,
                secretHash: token.secretHash,
                createdAt: new Date(token.createdAt),
                ...fields,
              },
            });
            applied.tokens.added.push(token.prefix);
          }
        }
        for (const setting of accounts.settings) {
          if (!BACKED_UP_SETTINGS.includes(setting.key)) continue;
          const live = await tx.setting.findUnique({ where: { key: setting.key } });
          if (live?.value === setting.value) continue;
          await tx.setting.upsert({
            where: { key: setting.key },
            create: { key: setting.key, value: setting.value },
            update: { value: setting.value },
          });
          (live ? applied.settings.changed : applied.settings.added).push(setting.key);
        }
        return applied;
      }),
  };
}
