// The dashboard's own sign-in and sign-out (next-auth's credentials provider), as a browser does them.

/** Signs in and returns the Cookie header to send. */
export async function signIn(baseUrl: string, username: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header(), origin: baseUrl },
    body: new URLSearchParams({ username, password, csrfToken, json: 'true' }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.includes('session-token')))
    throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
  return header();
}

/** Signs out (POST /api/auth/signout) with the cookie signIn returned; answers the response's status. */
export async function signOut(baseUrl: string, cookie: string, headers: Record<string, string> = {}): Promise<number> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`, { headers: { cookie } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const res = await fetch(`${baseUrl}/api/auth/signout`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: csrfCookie ? `${cookie}; ${csrfCookie}` : cookie,
      origin: baseUrl,
      ...headers,
    },
    body: new URLSearchParams({ csrfToken, json: 'true' }),
  });
  await res.arrayBuffer();
  return res.status;
}
