import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import type { Principal } from './principal.ts';
import { decodeSession, parseCookies, sessionTokenFrom } from './session.ts';
import { authenticateToken } from './tokens.ts';
import { authenticateServiceAccountToken, looksLikeJwt, serviceAccountKey } from './service-account-tokens.ts';
import { getSessionUser } from './users.ts';

export interface Credentials {
  authorization?: string | null;
  cookie?: string | null;
}

/** What authentication needs: the store (users, tokens), the session key and the session lifetime. */
export interface AuthContext {
  store: Store;
  log: Logger;
  authSecret: string;
  config: { sessionMaxAgeHours: number; trustedOrigins?: readonly string[]; trustedProxies?: readonly string[] };
}

export type AuthResult = { principal: Principal } | { principal: null; reason: string };

/**
 * Authenticates a request (HTTP or socket handshake) by bearer token or
 * browser session. A bearer header that is present but bad is an error even
 * if a session cookie is also sent: the caller asked to be that token.
 */
export async function authenticate(platform: AuthContext, credentials: Credentials): Promise<AuthResult> {
  const authorization = credentials.authorization?.trim();
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) return { principal: null, reason: 'the Authorization header must be "Bearer <API token>"' };
    if (looksLikeJwt(match[1])) {
      const principal = authenticateServiceAccountToken(
        platform.store.objects,
        serviceAccountKey(platform.authSecret),
        match[1],
      );
      return principal
        ? { principal }
        : { principal: null, reason: 'the service account token is invalid or expired, or its account is gone' };
    }
    const principal = await authenticateToken(platform, match[1]);
    return principal ? { principal } : { principal: null, reason: 'the API token is invalid, expired or revoked' };
  }
  const session = await decodeSession(
    sessionTokenFrom(parseCookies(credentials.cookie)),
    platform.authSecret,
    platform.config.sessionMaxAgeHours * 3_600_000,
  );
  if (!session) return { principal: null, reason: 'log in, or send "Authorization: Bearer <API token>"' };
  const user = await getSessionUser(platform.store, session.userId);
  // Logout, a password or role change and disabling raise the generation: older cookies are dead.
  if (!user || user.sessionGeneration !== session.generation)
    return { principal: null, reason: 'your session is no longer valid; log in again' };
  if (user.disabled) return { principal: null, reason: `the account "${user.username}" is disabled` };
  return { principal: { userId: user.id, username: user.username, role: user.role, via: 'session' } };
}
