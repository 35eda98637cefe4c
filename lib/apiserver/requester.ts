import { subjectOf, type Authorizer } from '../auth/authorizer.ts';
import type { Principal } from '../auth/principal.ts';
import { rbacAdmission } from './kinds/rbac.ts';
import { serviceAccountAdmission } from './kinds/service-account.ts';
import type { WriteOptions } from './object-api.ts';

// What every API write (REST, apply, GraphQL) carries about its requester, made in this one place: the admission
// that depends on who asks (RBAC escalation, service account roles) and the user as admission sees it (name and
// groups, as RBAC matches them), which the apps' admission uses (the conversion queue is bounded per user).

export function requesterOptions(authorizer: Authorizer, principal: Principal): Pick<WriteOptions, 'admit' | 'user'> {
  const subject = subjectOf(principal);
  return {
    admit: rbacAdmission(authorizer, principal, serviceAccountAdmission(principal)),
    user: { username: subject.user, groups: [...subject.groups] },
  };
}
