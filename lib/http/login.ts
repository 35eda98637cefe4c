import '#server-only';
import { verifyCredentials } from '../auth/users.ts';
import { isRole } from '../auth/rbac.ts';
import { auditIdOf } from '../audit/trail.ts';
import type { Platform } from '../platform.ts';
import { clientIp } from './client-ip.ts';

type Headers_ = Headers | Record<string, string | string[] | undefined> | undefined;

/**
 * Checks a username and password (the dashboard's login and POST /api/login alike) and tells the audit trail
 * the outcome: who logged in, or whom a failed attempt claimed to be and why it failed.
 */
export async function checkLogin(platform: Platform, headers: Headers_, username: string, password: string) {
  const auditID = auditIdOf(headers);
  try {
    const user = await verifyCredentials(platform, username, password, clientIp(headers));
    platform.audit?.login(auditID, {
      username: user.username,
      principal: { userId: user.id, username: user.username, role: user.role, via: 'session' },
    });
    return user;
  } catch (err) {
    platform.audit?.login(auditID, { username, reason: (err as Error).message });
    throw err;
  }
}

/** Tells the audit trail who logged out (the dashboard's sign-out ends every session of the user). */
export async function auditLogout(platform: Platform, headers: Headers_, userId: string, username: string) {
  const auditID = auditIdOf(headers);
  if (!auditID || !platform.audit) return;
  const user = await platform.store.users.getById(userId);
  platform.audit.logout(auditID, {
    userId,
    username: user?.username ?? username,
    // The role only names a group in the record; a user deleted meanwhile has none left, so the least is shown.
    role: user && isRole(user.role) ? user.role : 'viewer',
    via: 'session',
  });
}
