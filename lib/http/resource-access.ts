import '#server-only';
import { findType } from '../apimachinery/registry.ts';
import { subjectOf } from '../auth/authorizer.ts';
import { requestFor, type AuthorizeScope } from '../auth/policy-rules.ts';
import type { Principal } from '../auth/principal.ts';
import { getPlatform } from '../platform.ts';

// What the dashboard shows a user may do, asked of the same RBAC authorizer that decides their requests, in the
// namespace the page shows (a RoleBinding there counts): buttons for what would be refused are not drawn.

/** Whether `user` may `verb` `resource` (a route's resource name: `pods`, `users`, …) in `scope`. */
export function canDo(user: Principal, verb: string, resource: string, scope: AuthorizeScope = {}): boolean {
  return getPlatform().authorizer.authorize(subjectOf(user), requestFor(verb, resource, scope)).allowed;
}

/**
 * Whether `user` may change objects of the kind a generic page shows (`core` stands for the core group), in
 * `namespace` when the page shows one (else cluster-wide). Unknown kinds (a CRD deleted meanwhile) are not
 * writable: the page says so when it lists them.
 */
export function canWriteKind(
  user: Principal,
  group: string,
  version: string,
  plural: string,
  namespace?: string,
): boolean {
  const t = findType(group === 'core' ? '' : group, version, plural);
  if (!t) return false;
  return canDo(user, 'update', t.plural, { apiGroup: t.group, namespace: t.namespaced ? namespace : undefined });
}

/** Whether the kind a generic page shows is namespaced (its second path segment is then a namespace). */
export function isNamespacedKind(group: string, version: string, plural: string): boolean {
  return !!findType(group === 'core' ? '' : group, version, plural)?.namespaced;
}
