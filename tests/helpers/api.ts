import { ADMIN_PASSWORD } from './server.ts';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A small HTTP client for tests: JSON in and out, with an optional bearer token. */
export function client(baseUrl: string, token?: string) {
  const call = async <T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> => {
    const init: RequestInit = {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(baseUrl + path, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // plain text
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  };
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>('POST', path, body, headers),
    patch: <T = any>(path: string, body?: unknown) => call<T>('PATCH', path, body),
    put: <T = any>(path: string, body?: unknown) => call<T>('PUT', path, body),
    delete: <T = any>(path: string) => call<T>('DELETE', path),
  };
}

/** Logs in through the public login endpoint and returns a fresh API token. */
export async function login(baseUrl: string, username = 'admin', password = ADMIN_PASSWORD): Promise<string> {
  const res = await client(baseUrl).post('/api/login', { username, password, tokenName: `test ${username}` });
  if (res.status !== 201) throw new Error(`login as ${username} failed: ${res.status} ${res.text}`);
  return res.body.token;
}

/** Creates a user as admin and returns an API token for them (issued by the admin). */
export async function userWithToken(
  baseUrl: string,
  adminToken: string,
  username: string,
  role: 'viewer' | 'operator' | 'admin',
) {
  const admin = client(baseUrl, adminToken);
  const created = await admin.post('/apis/entroos.io/v1/users', { username, password: `${username}-password`, role });
  if (created.status !== 201) throw new Error(`creating ${username} failed: ${created.status} ${created.text}`);
  const token = await admin.post('/apis/entroos.io/v1/tokens', { name: `${username} token`, username });
  if (token.status !== 201) throw new Error(`token for ${username} failed: ${token.status} ${token.text}`);
  return { id: created.body.id as string, token: token.body.token as string, password: `${username}-password` };
}

/** True when a response body shows internals a client must never see. */
export function leaksInternals(text: string): boolean {
  return /\n\s+at\s|node_modules|\.tsx?:\d+|PrismaClient|stack/i.test(text);
}
