import { randomUUID } from 'node:crypto';
import type { Db } from './db.ts';

export interface TokenRecord {
  id: string;
  name: string;
  userId: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface TokenWithUser extends TokenRecord {
  user: { id: string; username: string; role: string; disabled: boolean };
}

export interface NewToken {
  userId: string;
  name: string;
  secretHash: string;
  prefix: string;
  expiresAt: Date | null;
}

// secretHash is selected only where a request is authenticated, never listed.
const publicFields = {
  id: true,
  name: true,
  userId: true,
  prefix: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  user: { select: { id: true, username: true, role: true, disabled: true } },
} as const;

export function tokensRepo(db: Db) {
  return {
    create: (input: NewToken): Promise<TokenWithUser> =>
      db.apiToken.create({ data: { id: randomUUID(), ...input }, select: publicFields }),
    getById: (id: string): Promise<TokenWithUser | null> =>
      db.apiToken.findUnique({ where: { id }, select: publicFields }),
    getBySecretHash: (secretHash: string): Promise<TokenWithUser | null> =>
      db.apiToken.findUnique({ where: { secretHash }, select: publicFields }),
    list: (filter: { userId?: string } = {}): Promise<TokenWithUser[]> =>
      db.apiToken.findMany({
        where: filter.userId ? { userId: filter.userId } : {},
        select: publicFields,
        orderBy: { createdAt: 'desc' },
      }),
    revoke: (id: string, at = new Date()): Promise<TokenWithUser> =>
      db.apiToken.update({ where: { id }, data: { revokedAt: at }, select: publicFields }),
    touch: async (id: string, at = new Date()) => {
      await db.apiToken.update({ where: { id }, data: { lastUsedAt: at } });
    },
  };
}
