import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { isApiError } from '../apimachinery/errors.ts';
import { getPlatform } from '../platform.ts';
import { endSessions, sessionGenerationOf } from '../auth/users.ts';
import { auditLogout, checkLogin } from './login.ts';

/**
 * next-auth configuration: username/password login, JWT sessions holding only the user id. `headers` are the
 * request's (the route builds the options per request): a sign-out reaches the audit trail through them.
 */
export function getAuthOptions(headers?: Headers): NextAuthOptions {
  const platform = getPlatform();
  return {
    secret: platform.authSecret,
    // The cookie expires after the idle time; each session request (the
    // dashboard makes one while the user is active) re-issues it, so only
    // inactivity ends it. loginAt caps the whole session at sessionMaxAgeHours.
    session: {
      strategy: 'jwt',
      maxAge: Math.max(
        1,
        Math.round(Math.min(platform.config.sessionIdleMinutes * 60, platform.config.sessionMaxAgeHours * 3600)),
      ),
    },
    pages: { signIn: '/login', error: '/login' },
    providers: [
      CredentialsProvider({
        name: 'EntroOS',
        credentials: {
          username: { label: 'Username', type: 'text' },
          password: { label: 'Password', type: 'password' },
        },
        async authorize(credentials, req) {
          const username = String(credentials?.username ?? '').trim();
          const password = String(credentials?.password ?? '');
          if (!username || !password) throw new Error('enter a username and a password');
          try {
            const user = await checkLogin(platform, req?.headers, username, password);
            return { id: user.id, name: user.username };
          } catch (err) {
            // next-auth passes the message to the login page as ?error=...
            if (isApiError(err)) throw new Error(err.message);
            throw err;
          }
        },
      }),
    ],
    callbacks: {
      // gen: the user's session generation; logout and password/role changes raise it, ending this session.
      jwt: async ({ token, user }) =>
        user
          ? {
              sub: user.id,
              name: user.name,
              loginAt: Date.now(),
              gen: (await sessionGenerationOf(platform.store, user.id)) ?? 0,
            }
          : token,
      session: ({ session, token }) => ({ ...session, user: { name: token.name ?? null } }),
    },
    events: {
      // JWT sessions cannot be revoked one by one: signing out ends every session of the user.
      signOut: async ({ token }) => {
        if (typeof token?.sub !== 'string') return;
        await endSessions(platform, token.sub);
        await auditLogout(platform, headers, token.sub, typeof token.name === 'string' ? token.name : token.sub);
      },
    },
    logger: {
      error: (code, metadata) =>
        platform.log.error(
          { code, metadata: metadata instanceof Error ? metadata.message : undefined },
          'next-auth error',
        ),
      warn: (code) => platform.log.warn({ code }, 'next-auth warning'),
      debug: () => {},
    },
  };
}
