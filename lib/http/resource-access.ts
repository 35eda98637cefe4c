import '#server-only';
import { findType, rbacResource } from '../apimachinery/registry.ts';
import { can, type Role } from '../auth/rbac.ts';

/**
 * Whether `role` may change objects of the kind a generic page shows (`core` stands for the core group).
 * Unknown kinds (a CRD deleted meanwhile) are not writable: the page says so when it lists them.
 */
export function canWriteKind(role: Role, group: string, version: string, plural: string): boolean {
  const t = findType(group === 'core' ? '' : group, version, plural);
  return !!t && can(role, 'update', rbacResource(t));
}
