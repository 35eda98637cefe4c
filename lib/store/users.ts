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
}

export function usersRepo(db: Db) {
  return {
    count: () => db.user.count(),
    create: (input: NewUser): Promise<UserRecord> => db.user.create({ data: { id: randomUUID(), ...input } }),
    getById: (id: string): Promise<UserRecord | null> => db.user.findUnique({ where: { id } }),
    getByUsername: (username: string): Promise<UserRecord | null> => db.user.findUnique({ where: { username } }),
    list: (): Promise<UserRecord[]> => db.user.findMany({ orderBy: { username: 'asc' } }),
    update: (id: string, changes: UserChanges): Promise<UserRecord> => db.user.update({ where: { id }, data: changes }),
    recordLogin: async (id: string, at = new Date()) => {
      await db.user.update({ where: { id }, data: { lastLoginAt: at } });
    },
  };
}
