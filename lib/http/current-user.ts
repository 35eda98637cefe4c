import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getPlatform } from '../platform.ts';
import { PATH_HEADER } from './path-header.ts';
import { authenticate } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';

/** For dashboard server components: the logged-in user, or a redirect to the login page. */
export async function requireUser(): Promise<Principal> {
  const jar = await cookies();
  const cookie = jar
    .getAll()
    .map((c) => `${c.name}=${encodeURIComponent(c.value)}`)
    .join('; ');
  const result = await authenticate(getPlatform(), { cookie });
  if (result.principal) return result.principal;
  const raw = (await headers()).get(PATH_HEADER) ?? '/';
  // A client-side navigation or refresh asks with ?_rsc=…; come back to the page itself.
  const url = new URL(raw, 'http://entroos.local');
  url.searchParams.delete('_rsc');
  const path = url.pathname + url.search;
  const hadSession = jar.getAll().some((c) => c.name.includes('next-auth.session-token'));
  const query = new URLSearchParams({ callbackUrl: path.startsWith('/') ? path : '/' });
  if (hadSession) query.set('reason', 'expired');
  redirect(`/login?${query}`);
}
