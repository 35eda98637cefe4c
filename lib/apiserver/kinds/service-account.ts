import { forbidden, type StatusCause } from '../../apimachinery/errors.ts';
import type { ServiceAccount } from '../../apimachinery/generated/kinds.ts';
import type { KubeObject, ObjectView } from '../../apimachinery/object.ts';
import type { ResourceType } from '../../apimachinery/registry.ts';
import type { Principal } from '../../auth/principal.ts';
import { isRole, ROLES } from '../../auth/rbac.ts';
import { NO_ROLE, ROLE_ANNOTATION, serviceAccountRole } from '../../auth/service-account-tokens.ts';

// ServiceAccount: validation of its role annotation, and the admission rule that only admins grant more than
// viewer. Its token subresource is in token-request.ts.

/** Causes for a ServiceAccount beyond the metadata every object has: the role annotation names a role. */
export function validateServiceAccount(obj: unknown, causes: StatusCause[]) {
  const annotations = (obj as ObjectView<ServiceAccount>).metadata?.annotations;
  const value: unknown = annotations && typeof annotations === 'object' ? annotations[ROLE_ANNOTATION] : undefined;
  if (value !== undefined && !isRole(value) && value !== NO_ROLE) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${[...ROLES, NO_ROLE].map((r) => `"${r}"`).join(', ')}`,
      field: `metadata.annotations[${ROLE_ANNOTATION}]`,
    });
  }
}

/**
 * Admission for writes made on behalf of `requester`: granting a service account more than viewer (setting its
 * role annotation to operator or admin, or creating it so) is for admins. A write that leaves an annotation an admin
 * set as it is (a label change by an operator) is allowed.
 */
export function serviceAccountAdmission(requester: Principal) {
  return (t: ResourceType, next: KubeObject, live: KubeObject | undefined) => {
    if (t.kind !== 'ServiceAccount' || requester.role === 'admin') return;
    const role = serviceAccountRole(next);
    if (role === 'viewer' || (live && serviceAccountRole(live) === role)) return;
    throw forbidden(
      `serviceaccounts "${next.metadata.name}" is forbidden: only admins may set ${ROLE_ANNOTATION} to "${role}" (${requester.username} has role ${requester.role})`,
    );
  };
}
