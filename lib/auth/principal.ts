import type { Role } from './rbac.ts';

/** Who is making a request: a user (browser session or API token), or a service account (its bearer token). */
export interface Principal {
  /** The user's id; for a service account its username, which is unique as long as the account lives. */
  userId: string;
  username: string;
  role: Role;
  via: 'session' | 'token' | 'serviceaccount';
  tokenId?: string;
  /** A service account's uid and groups (system:serviceaccounts, system:serviceaccounts:NS, system:authenticated). */
  uid?: string;
  groups?: string[];
  /**
   * An impersonated identity EntroOS does not know (neither a user nor a service account): it has no implicit
   * binding to a built-in role, only what RBAC bindings give it (`role` is then only shown, never granted).
   */
  unbound?: true;
  /** Set when the request impersonates this identity: who really sent it (for messages and the audit trail). */
  impersonatedBy?: string;
}
