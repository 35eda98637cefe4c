import { randomUUID } from 'node:crypto';
import type { Db } from './db.ts';

export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  role: string;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
  /** Session cookies issued under another generation are no longer valid. */
  sessionGeneration: number;
}

export interface NewUser {
  username: string;
  passwordHash: string;
  role: string;
}

export interface UserChanges {
  role?: string;
  disabled?: boolean;
  passwordHash?: string;
  /** Also ends every session of the user (raises the session generation). */
  endSessions?: boolean;
}

export function usersRepo(db: Db) {
  return {
    count: () => db.user.count(),
    create: (input: NewUser): Promise<UserRecord> => db.user.create({ data: { id: randomUUID(), ...input } }),
    getById: (id: string): Promise<UserRecord | null> => db.user.findUnique({ where: { id } }),
    getByUsername: (username: string): Promise<UserRecord | null> => db.user.findUnique({ where: { username } }),
    list: (): Promise<UserRecord[]> => db.user.findMany({ orderBy: { username: 'asc' } }),
    update: (id: string, { endSessions, ...changes }: UserChanges): Promise<UserRecord> =>
      db.user.update({
        where: { id },
        data: endSessions ? { ...changes, sessionGeneration: { increment: 1 } } : changes,
      }),
    /** Ends every session of the user (logout); null when the user no longer exists. */
    endSessions: async (id: string): Promise<number | null> => {
      const updated = await db.user.updateMany({ where: { id }, data: { sessionGeneration: { increment: 1 } } });
      if (!updated.count) return null;
      const user = await db.user.findUnique({ where: { id }, select: { sessionGeneration: true } });
      return user?.sessionGeneration ?? null;
    },
    recordLogin: async (id: string, at = new Date()) => {
      await db.user.update({ where: { id }, data: { lastLoginAt: at } });
    },
  };
}
