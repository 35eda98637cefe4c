import { decode } from 'next-auth/jwt';

// next-auth stores the session as an encrypted JWT in this cookie (the
// __Secure- name is used over HTTPS). Reading it directly works the same in
// route handlers, server components and the socket.io handshake.
export const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

export function parseCookies(header: string | null | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    const raw = part.slice(i + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(raw));
    } catch {
      cookies.set(name, raw);
    }
  }
  return cookies;
}

/** The session token from a cookie jar, joining next-auth's chunked cookies (name.0, name.1, ...). */
export function sessionTokenFrom(cookies: Map<string, string>): string | undefined {
  for (const name of SESSION_COOKIES) {
    const whole = cookies.get(name);
    if (whole) return whole;
    const chunks: string[] = [];
    for (let i = 0; ; i++) {
      const chunk = cookies.get(`${name}.${i}`);
      if (chunk === undefined) break;
      chunks.push(chunk);
    }
    if (chunks.length) return chunks.join('');
  }
  return undefined;
}

export interface SessionClaims {
  userId: string;
  issuedAt?: number;
  /** The user's session generation at login (cookies from before generations count as 0). */
  generation: number;
}

/** Decodes and checks a session token; null when missing, tampered or expired. */
export async function decodeSession(
  token: string | undefined,
  secret: string,
  maxAgeMs = Infinity,
): Promise<SessionClaims | null> {
  if (!token) return null;
  try {
    const payload = await decode({ token, secret });
    if (!payload?.sub) return null;
    if (typeof payload.exp === 'number' && payload.exp * 1000 <= Date.now()) return null;
    // Kept alive by activity, but never past the absolute limit since login.
    if (typeof payload.loginAt === 'number' && Date.now() - payload.loginAt > maxAgeMs) return null;
    return {
      userId: payload.sub,
      issuedAt: typeof payload.iat === 'number' ? payload.iat : undefined,
      generation: typeof payload.gen === 'number' ? payload.gen : 0,
    };
  } catch {
    return null;
  }
}
