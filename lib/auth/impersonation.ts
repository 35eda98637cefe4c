import { badRequest, forbidden } from '../apimachinery/errors.ts';
import type { KubeObject } from '../apimachinery/object.ts';
import type { ApiHeaders } from '../apimachinery/api-request.ts';
import { SERVICE_ACCOUNT_USER_PREFIX, subjectOf, type Authorizer } from './authorizer.ts';
import type { Principal } from './principal.ts';
import { isRole, type Role } from './rbac.ts';
import { serviceAccountRole, serviceAccountUnbound } from './service-account-tokens.ts';

// Kubernetes user impersonation (`kubectl --as=USER --as-group=GROUP --as-uid=UID`): the Impersonate-User,
// Impersonate-Group and Impersonate-Uid headers make the request act as someone else, once the authenticated caller
// is allowed the `impersonate` verb on that user (or service account), each group, and the uid. The impersonated
// identity then meets the authorizer like any other: its EntroOS role when it is a known user or service account,
// plus whatever RBAC binds to its name and groups.

export const IMPERSONATE_USER = 'impersonate-user';
export const IMPERSONATE_GROUP = 'impersonate-group';
export const IMPERSONATE_UID = 'impersonate-uid';
const EXTRA_PREFIX = 'impersonate-extra-';

export interface ImpersonationDeps {
  authorizer: Authorizer;
  /** An EntroOS user by name (the users table), for the role of an impersonated user. */
  userByName(username: string): Promise<{ id: string; role: string; disabled: boolean } | null>;
  /** A stored object (the watch cache), for the role of an impersonated service account. */
  getObject(resource: string, namespace: string | undefined, name: string): KubeObject | undefined;
}

/** The identity a request acts as: `principal` itself, or whom its Impersonate-* headers name (once allowed). */
export async function impersonate(
  deps: ImpersonationDeps,
  principal: Principal,
  headers: ApiHeaders,
): Promise<Principal> {
  const user = headers.get(IMPERSONATE_USER);
  // Headers repeat for several groups; fetch's Headers joins them with ", " (a group name cannot hold a comma).
  const groupHeader = headers.get(IMPERSONATE_GROUP);
  const groups = groupHeader === null ? [] : groupHeader.split(',').map((g) => g.trim());
  const uid = headers.get(IMPERSONATE_UID);
  const extra = [...headers.keys()].some((k) => k.startsWith(EXTRA_PREFIX));
  if (user === null) {
    if (groups.length || uid !== null || extra)
      throw badRequest(
        `requested ${[groups.length ? 'groups' : '', uid !== null ? 'uid' : '', extra ? 'extra' : ''].filter(Boolean).join(', ')} without impersonating a user`,
      );
    return principal;
  }
  if (!user) throw badRequest('the Impersonate-User header must name a user');
  const requester = subjectOf(principal);
  const check = (resource: string, name: string, namespace?: string, apiGroup = '') => {
    const decision = deps.authorizer.authorize(requester, { verb: 'impersonate', apiGroup, resource, namespace, name });
    if (!decision.allowed)
      throw forbidden(
        `${resource}${apiGroup ? `.${apiGroup}` : ''} "${name}" is forbidden: User "${principal.username}" cannot impersonate resource "${resource}" in API group "${apiGroup}" ${namespace ? `in the namespace "${namespace}"` : 'at the cluster scope'}`,
      );
  };

  const account = serviceAccountOf(user);
  if (account) check('serviceaccounts', account.name, account.namespace);
  else check('users', user);
  for (const group of groups) check('groups', group);
  if (uid !== null) check('uids', uid, undefined, 'authentication.k8s.io');

  const finalGroups = [...groups];
  if (account && !groups.length)
    finalGroups.push('system:serviceaccounts', `system:serviceaccounts:${account.namespace}`);
  if (user !== 'system:anonymous' && !finalGroups.includes('system:authenticated'))
    finalGroups.push('system:authenticated');

  let role: Role | undefined;
  let userId = user;
  if (account) {
    const object = deps.getObject('serviceaccounts', account.namespace, account.name);
    if (object && !object.metadata.deletionTimestamp && !serviceAccountUnbound(object))
      role = serviceAccountRole(object);
  } else {
    const record = await deps.userByName(user);
    if (record && !record.disabled && isRole(record.role)) {
      role = record.role;
      userId = record.id;
    }
  }
  return {
    userId,
    username: user,
    role: role ?? 'viewer',
    via: principal.via,
    groups: finalGroups,
    ...(uid !== null ? { uid } : {}),
    ...(role ? {} : { unbound: true as const }),
    impersonatedBy: principal.username,
  };
}

function serviceAccountOf(user: string): { namespace: string; name: string } | undefined {
  if (!user.startsWith(SERVICE_ACCOUNT_USER_PREFIX)) return undefined;
  const [namespace, name, ...rest] = user.slice(SERVICE_ACCOUNT_USER_PREFIX.length).split(':');
  return namespace && name && !rest.length ? { namespace, name } : undefined;
}
