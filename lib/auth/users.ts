import { z } from 'zod';
import { alreadyExists, notFound, unauthorized, forbidden } from '../apimachinery/errors.ts';
import { processGlobal } from '../global.ts';
import type { Logger } from 'pino';
import type { LoginLimiter } from './login-limiter.ts';
import type { Store, UserRecord } from '../store/index.ts';
import { generatePassword, hashPassword, verifyPassword } from './password.ts';
import type { Principal } from './principal.ts';
import { ROLES, isRole, type Role } from './rbac.ts';

export const usernameSchema = z
  .string()
  .min(1, 'Required value')
  .max(63, 'must be at most 63 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/,
    'must be lower-case letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
  );
export const passwordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(1024, 'must be at most 1024 characters');
export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

export const createUserSchema = z.object({ username: usernameSchema, password: passwordSchema, role: roleSchema });
export const updateUserSchema = z
  .object({ role: roleSchema.optional(), disabled: z.boolean().optional(), password: passwordSchema.optional() })
  .strict();

export type CreateUserInput = z.infer<typeof createUserSchema>;
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

export interface PublicUser {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export function toPublicUser(user: UserRecord): PublicUser {
  return {
    id: user.id,
    username: user.username,
    role: isRole(user.role) ? user.role : 'viewer',
    disabled: user.disabled,
    createdAt: user.createdAt.toISOString(),
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
  };
}

export async function createUser(store: Store, input: CreateUserInput): Promise<PublicUser> {
  if (await store.users.getByUsername(input.username))
    throw alreadyExists(`user "${input.username}" already exists`, { kind: 'users', name: input.username });
  const user = await store.users.create({
    username: input.username,
    role: input.role,
    passwordHash: await hashPassword(input.password),
  });
  return toPublicUser(user);
}

export async function listUsers(store: Store): Promise<PublicUser[]> {
  return (await store.users.list()).map(toPublicUser);
}

/** Tells every instance (through the platform's event bus) that a user's sessions or rights changed. */
export interface UserChangeBus {
  publish(topic: 'user.changed', data: { userId: string }): void;
}

export async function updateUser(
  platform: { store: Store; bus?: UserChangeBus },
  actor: Principal,
  id: string,
  input: UpdateUserInput,
): Promise<PublicUser> {
  const user = await platform.store.users.getById(id);
  if (!user) throw notFound(`user "${id}" not found`, { kind: 'users', name: id });
  if (user.id === actor.userId && (input.disabled || (input.role && input.role !== 'admin'))) {
    throw forbidden('you cannot disable yourself or remove your own admin role; ask another admin');
  }
  const updated = await platform.store.users.update(id, {
    role: input.role,
    disabled: input.disabled,
    passwordHash: input.password ? await hashPassword(input.password) : undefined,
    // A new password, another role or disabling ends every session: a stolen cookie must not outlive them.
    endSessions: Boolean(input.password || input.disabled || (input.role && input.role !== user.role)),
  });
  userChanged(platform, id);
  return toPublicUser(updated);
}

/**
 * Creates the `admin` user on first start with an empty database. The password
 * comes from ENTROOS_ADMIN_PASSWORD, or is generated and returned once so the
 * caller can print it.
 */
export async function ensureAdmin(
  store: Store,
  configuredPassword?: string,
): Promise<{ created: boolean; password?: string; generated: boolean }> {
  if ((await store.users.count()) > 0) return { created: false, generated: false };
  const password = configuredPassword ?? generatePassword();
  try {
    await store.users.create({ username: 'admin', role: 'admin', passwordHash: await hashPassword(password) });
  } catch (err) {
    // Another instance sharing the database created it first.
    if (await store.users.getByUsername('admin')) return { created: false, generated: false };
    throw err;
  }
  return { created: true, password, generated: configuredPassword === undefined };
}

// A hash to verify against when the user does not exist, so a failed login
// takes as long for an unknown user as for a wrong password.
let dummyHash: Promise<string> | undefined;

/** Checks a username and password, applying the login rate limits. Throws 401/429 ApiErrors. */
export async function verifyCredentials(
  platform: { store: Store; loginLimiter: LoginLimiter; log: Logger },
  username: string,
  password: string,
  ip?: string,
): Promise<PublicUser> {
  platform.loginLimiter.check(username, ip);
  const user = await platform.store.users.getByUsername(username);
  const ok = user
    ? await verifyPassword(password, user.passwordHash)
    : (await verifyPassword(password, await (dummyHash ??= hashPassword('x'.repeat(16)))), false);
  if (!user || !ok) {
    platform.loginLimiter.recordFailure(username, ip);
    platform.log.warn({ username, ip }, 'failed login');
    throw unauthorized('invalid username or password');
  }
  if (user.disabled) throw unauthorized(`the account "${username}" is disabled; ask an admin to enable it`);
  platform.loginLimiter.recordSuccess(username, ip);
  await platform.store.users.recordLogin(user.id);
  return toPublicUser(user);
}

// Sessions carry only the user id; role and disabled state are read from the
// store (cached briefly) so a role change or a disable takes effect at once
// on this instance and within seconds on others.
const PRINCIPAL_TTL_MS = 5_000;
// Changes on this instance drop the entry at once; other instances drop it
// when the 'user.changed' event reaches them (server.ts), else within the TTL.
export type SessionUser = PublicUser & { sessionGeneration: number };
const sessionUsers = () =>
  processGlobal('sessionUserCache', () => new Map<string, { user: SessionUser | null; until: number }>());

export async function getSessionUser(store: Store, userId: string): Promise<SessionUser | null> {
  const principalCache = sessionUsers();
  const hit = principalCache.get(userId);
  if (hit && hit.until > Date.now()) return hit.user;
  const record = await store.users.getById(userId);
  const user = record ? { ...toPublicUser(record), sessionGeneration: record.sessionGeneration } : null;
  principalCache.set(userId, { user, until: Date.now() + PRINCIPAL_TTL_MS });
  return user;
}

/** The generation a new session of the user is issued under (null: no such user). */
export async function sessionGenerationOf(store: Store, userId: string): Promise<number | null> {
  return (await store.users.getById(userId))?.sessionGeneration ?? null;
}

/** Logout: ends every session of the user, on every instance. */
export async function endSessions(platform: { store: Store; bus?: UserChangeBus }, userId: string): Promise<void> {
  await platform.store.users.endSessions(userId);
  userChanged(platform, userId);
}

function userChanged(platform: { bus?: UserChangeBus }, userId: string) {
  forgetSessionUser(userId);
  platform.bus?.publish('user.changed', { userId });
}

export function forgetSessionUser(userId: string) {
  sessionUsers().delete(userId);
}

export function forgetPrincipals() {
  sessionUsers().clear();
}
