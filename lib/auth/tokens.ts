import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { forbidden, invalid, notFound } from '../apimachinery/errors.ts';
import type { Logger } from 'pino';
import type { Store, TokenWithUser } from '../store/index.ts';
import type { Principal } from './principal.ts';
import { isRole } from './rbac.ts';
import { processGlobal } from '../global.ts';
import { usernameSchema } from './users.ts';
import { TokenCache } from './token-cache.ts';

// API tokens: `eos_` + 256 random bits. Only a sha256 of the secret is stored;
// the secret is shown once, when the token is created.

const TOKEN_PREFIX = 'eos_';
const MAX_EXPIRY_SECONDS = 10 * 365 * 24 * 3600;

export const createTokenSchema = z
  .object({
    name: z.string().trim().min(1, 'Required value').max(100, 'must be at most 100 characters'),
    expiresInSeconds: z
      .number()
      .int('must be a whole number of seconds')
      .positive('must be positive')
      .max(MAX_EXPIRY_SECONDS)
      .optional(),
    username: usernameSchema.optional(),
  })
  .strict();
export type CreateTokenInput = z.infer<typeof createTokenSchema>;

export interface PublicToken {
  id: string;
  name: string;
  prefix: string;
  username: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

function toPublicToken(t: TokenWithUser, now = Date.now()): PublicToken {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    username: t.user.username,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    status: t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt.getTime() <= now ? 'expired' : 'active',
  };
}

/** Issues a token for the actor (or, for admins, for `input.username`). Returns the secret once. */
export async function createToken(
  store: Store,
  actor: Principal,
  input: CreateTokenInput,
): Promise<PublicToken & { token: string }> {
  // A service account authenticates with the tokens the TokenRequest API issues; it has no user to own API tokens.
  if (actor.via === 'serviceaccount') throw forbidden('service accounts cannot create API tokens');
  let userId = actor.userId;
  if (input.username && input.username !== actor.username) {
    if (actor.role !== 'admin') throw forbidden('only admins can create tokens for other users');
    const owner = await store.users.getByUsername(input.username);
    if (!owner)
      throw invalid('tokens', input.name, [
        { field: 'username', message: `user "${input.username}" does not exist`, reason: 'FieldValueNotFound' },
      ]);
    userId = owner.id;
  }
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const record = await store.tokens.create({
    userId,
    name: input.name,
    secretHash: hashSecret(secret),
    prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
    expiresAt: input.expiresInSeconds ? new Date(Date.now() + input.expiresInSeconds * 1000) : null,
  });
  return { ...toPublicToken(record), token: secret };
}

export async function listTokens(store: Store, actor: Principal): Promise<PublicToken[]> {
  const records = await store.tokens.list(actor.role === 'admin' ? {} : { userId: actor.userId });
  return records.map((t) => toPublicToken(t));
}

export async function revokeToken(store: Store, actor: Principal, id: string): Promise<PublicToken> {
  const record = await store.tokens.getById(id);
  if (!record || (record.userId !== actor.userId && actor.role !== 'admin'))
    throw notFound(`token "${id}" not found`, { kind: 'tokens', name: id });
  const revoked = record.revokedAt ? record : await store.tokens.revoke(id);
  forgetToken(id);
  return toPublicToken(revoked);
}

// Authenticated tokens are cached briefly: a request needs no database read,
// revocation on this instance drops the entry at once, and other instances
// see it within TOKEN_TTL_MS.
const TOKEN_TTL_MS = 5_000;
const TOUCH_EVERY_MS = 60_000;
// On globalThis: route handlers and server.ts (sockets) must share one cache.
const caches = () =>
  processGlobal('tokenCacheLru', () => ({
    byHash: new TokenCache<TokenWithUser>(TOKEN_TTL_MS),
    touched: new Map<string, number>(),
  }));

function forgetToken(id: string) {
  const { byHash } = caches();
  byHash.forget((token) => token.id === id);
}

/** The principal for a bearer secret, or null when it is unknown, revoked, expired or its user is disabled. */
export async function authenticateToken(
  platform: { store: Store; log: Logger },
  secret: string,
): Promise<Principal | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
  const hash = hashSecret(secret);
  const now = Date.now();
  const { byHash: cache, touched } = caches();
  let t = cache.get(hash)?.value;
  if (t === undefined) {
    t = await platform.store.tokens.getBySecretHash(hash);
    cache.set(hash, t);
  }
  if (!t || t.revokedAt || (t.expiresAt && t.expiresAt.getTime() <= now) || t.user.disabled || !isRole(t.user.role))
    return null;
  if ((touched.get(t.id) ?? 0) + TOUCH_EVERY_MS <= now) {
    touched.set(t.id, now);
    platform.store.tokens
      .touch(t.id)
      .catch((err) => platform.log.warn({ err, tokenId: t.id }, 'could not record token use'));
  }
  return { userId: t.user.id, username: t.user.username, role: t.user.role, via: 'token', tokenId: t.id };
}
