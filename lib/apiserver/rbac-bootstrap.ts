import type { ClusterRole, PolicyRule } from '../apimachinery/generated/kinds.ts';
import { jsonEqual } from '../apimachinery/patch.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { AUTOUPDATE_ANNOTATION, bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../auth/builtin-roles.ts';
import type { ObjectApi } from './object-api.ts';

// The bootstrap policy, reconciled by the leader at startup as kube-apiserver's rbac/bootstrap-roles hook does:
// each built-in ClusterRole is created when missing; one whose autoupdate annotation is not "false" gets back every
// built-in rule it lost (rules added to it stay). The authorizer does not wait for this: it grants a bootstrap
// role's built-in rules whether or not the object is stored yet.

const FIELD_MANAGER = 'entroos-rbac-bootstrap';

/** Creates or completes the bootstrap ClusterRoles, and creates missing bootstrap bindings; returns what it wrote. */
export async function ensureBootstrapRoles(api: ObjectApi): Promise<string[]> {
  const t = typeByKey('clusterroles.rbac.authorization.k8s.io');
  const written: string[] = [];
  for (const role of bootstrapClusterRoles()) {
    const name = role.metadata?.name ?? '';
    const current = api.peek(t, undefined, name) as (ClusterRole & { metadata: { name: string } }) | undefined;
    if (!current) {
      await api.create(t, undefined, role, { fieldManager: FIELD_MANAGER });
      written.push(name);
      continue;
    }
    if (current.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false') continue;
    const rules: PolicyRule[] = [...(current.rules ?? [])];
    for (const rule of role.rules ?? []) if (!rules.some((r) => jsonEqual(r, rule))) rules.push(rule);
    if (rules.length === (current.rules ?? []).length) continue;
    await api.update(t, undefined, name, { ...current, rules }, undefined, { fieldManager: FIELD_MANAGER });
    written.push(name);
  }
  const bindings = typeByKey('clusterrolebindings.rbac.authorization.k8s.io');
  for (const binding of bootstrapClusterRoleBindings()) {
    const name = binding.metadata?.name ?? '';
    if (api.peek(bindings, undefined, name)) continue;
    await api.create(bindings, undefined, binding, { fieldManager: FIELD_MANAGER });
    written.push(`clusterrolebinding/${name}`);
  }
  return written;
}
