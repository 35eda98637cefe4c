import type { Role } from './rbac.ts';

/** Who is making a request: a user, through a browser session or an API token. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  via: 'session' | 'token';
  tokenId?: string;
}
