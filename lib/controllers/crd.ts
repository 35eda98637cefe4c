import type { ControllerContext } from './context.ts';
import type { Controllers } from './index.ts';
import { WorkQueue } from './queue.ts';
import { isApiError } from '../apimachinery/errors.ts';
import type {
  CustomResourceDefinition,
  CustomResourceDefinitionCondition,
  CustomResourceDefinitionNames,
  CustomResourceDefinitionStatus,
} from '../apimachinery/generated/kinds.ts';
import { clone, timestamp } from '../apimachinery/meta.ts';
import type { Stored } from '../apimachinery/object.ts';
import { jsonEqual } from '../apimachinery/patch.ts';
import { customTypesFor, typeByKey, type ResourceType } from '../apimachinery/registry.ts';
import { CRD_FINALIZER } from '../apiserver/crd/resource.ts';
import { CRD_RESOURCE } from '../apiserver/crd/registrar.ts';

// The leader's CustomResourceDefinition controller, the parts of kube-apiserver's apiextensions controllers EntroOS
// needs: naming (NamesAccepted and status.acceptedNames, refusing names another CRD of the group already uses),
// establishing (Established, after which every instance's registrar serves the type), and finalizing (a deleted
// CRD is Terminating while every object of its type is deleted, then its cleanup finalizer is removed and it goes).

type Crd = Stored<CustomResourceDefinition>;

/** The names another CRD of the same group already uses, as the naming controller words the conflict. */
function nameConflict(crd: Crd, others: Crd[]): { reason: string; message: string } | undefined {
  const names = crd.spec.names;
  for (const other of others) {
    if (other.metadata.name === crd.metadata.name || other.spec.group !== crd.spec.group) continue;
    const accepted: Partial<CustomResourceDefinitionNames> = other.status?.acceptedNames ?? {};
    const taken = new Set([accepted.plural, accepted.singular, ...(accepted.shortNames ?? [])].filter(Boolean));
    for (const name of [names.plural, names.singular, ...(names.shortNames ?? [])]) {
      if (name && taken.has(name)) return { reason: 'PluralConflict', message: `"${name}" is already in use` };
    }
    const kinds = new Set([accepted.kind, accepted.listKind].filter(Boolean));
    for (const kind of [names.kind, names.listKind]) {
      if (kind && kinds.has(kind)) return { reason: 'KindConflict', message: `"${kind}" is already in use` };
    }
  }
  return undefined;
}

/** `conditions` with `condition` set; its lastTransitionTime changes only when its status does. */
function setCondition(
  conditions: CustomResourceDefinitionCondition[],
  condition: Omit<CustomResourceDefinitionCondition, 'lastTransitionTime'>,
): CustomResourceDefinitionCondition[] {
  const existing = conditions.find((c) => c.type === condition.type);
  const lastTransitionTime =
    existing && existing.status === condition.status ? existing.lastTransitionTime : timestamp();
  const next = { ...condition, lastTransitionTime };
  if (existing && jsonEqual({ ...existing, lastTransitionTime }, next)) return conditions;
  return existing ? conditions.map((c) => (c === existing ? next : c)) : [...conditions, next];
}

export function startCrdController(ctx: ControllerContext) {
  const { api, log } = ctx;
  const CRDS = typeByKey(CRD_RESOURCE);
  const queue: WorkQueue = new WorkQueue(reconcile, (key, err) => log.warn({ err, key }, 'CRD reconcile failed'));
  const { items, resourceVersion } = api.cache.list(CRDS.key);
  for (const crd of items) queue.add(crd.metadata.name);
  const unsubscribe = api.cache.watch({ resource: CRDS.key }, resourceVersion, (e) => {
    if (e.type !== 'DELETED') queue.add(e.object.metadata.name);
    // A CRD whose names were taken may be accepted once the other one goes (or changes its names).
    for (const other of api.cache.list(CRDS.key).items) if (other !== e.object) queue.add(other.metadata.name);
  });

  async function reconcile(name: string): Promise<void> {
    const crd = api.peek(CRDS, undefined, name) as Crd | undefined;
    if (!crd) return;
    if (crd.metadata.deletionTimestamp) return finalize(crd);
    const others = api.cache.list(CRDS.key).items as Crd[];
    const conflict = nameConflict(crd, others);
    const status: CustomResourceDefinitionStatus = { ...(crd.status ?? {}) };
    let conditions = status.conditions ?? [];
    if (conflict) {
      conditions = setCondition(conditions, { type: 'NamesAccepted', status: 'False', ...conflict });
      if (!conditions.some((c) => c.type === 'Established' && c.status === 'True'))
        conditions = setCondition(conditions, {
          type: 'Established',
          status: 'False',
          reason: 'NotAccepted',
          message: 'not all names are accepted',
        });
    } else {
      status.acceptedNames = crd.spec.names;
      conditions = setCondition(conditions, {
        type: 'NamesAccepted',
        status: 'True',
        reason: 'NoConflicts',
        message: 'no conflicts found',
      });
      conditions = setCondition(conditions, {
        type: 'Established',
        status: 'True',
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      });
    }
    status.conditions = conditions;
    status.acceptedNames ??= { kind: '', plural: '' };
    if (jsonEqual(status, crd.status)) return;
    await api.replace(CRDS, crd, { ...crd, status }, 'status');
  }

  /** A deleted CRD: Terminating while its objects are deleted, then without its finalizer (which removes it). */
  async function finalize(crd: Crd): Promise<void> {
    if (!(crd.metadata.finalizers ?? []).includes(CRD_FINALIZER)) return;
    const conditions = setCondition(crd.status?.conditions ?? [], {
      type: 'Terminating',
      status: 'True',
      reason: 'InstanceDeletionInProgress',
      message: 'CustomResource deletion is in progress',
    });
    let current = crd;
    if (conditions !== crd.status?.conditions) {
      current = (await api.replace(CRDS, crd, { ...crd, status: { ...crd.status, conditions } }, 'status')) as Crd;
    }
    const t = typeFor(current);
    if (t) {
      const objects = api.cache.list(t.key).items;
      for (const obj of objects) {
        if (obj.metadata.deletionTimestamp) continue;
        try {
          await api.delete(t, obj.metadata.namespace, obj.metadata.name, { propagationPolicy: 'Background' });
        } catch (err) {
          if (!(isApiError(err) && err.code === 404)) throw err;
        }
      }
      // Objects with finalizers of their own go when their controllers let them.
      if (api.cache.count(t.key) > 0) return queue.addAfter(crd.metadata.name, 250);
    }
    const latest = api.peek(CRDS, undefined, crd.metadata.name) as Crd | undefined;
    if (!latest) return;
    const next = clone(latest);
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== CRD_FINALIZER);
    await api.replace(CRDS, latest, next);
  }

  /** The type the CRD's objects are stored under (served or not: a CRD never established may have objects too). */
  function typeFor(crd: Crd): ResourceType | undefined {
    const types = customTypesFor({
      ...crd,
      spec: { ...crd.spec, versions: crd.spec.versions.map((v) => ({ ...v, served: true })) },
    });
    return types.find((t) => t.version === t.storageVersion) ?? types[0];
  }

  return {
    queue,
    stop: () => {
      queue.stop();
      unsubscribe();
    },
  };
}

/** `controllers` with the CRD controller running beside them (stopped and waited for with them). */
export function withCrdController(controllers: Controllers, ctx: ControllerContext): Controllers {
  const crds = startCrdController(ctx);
  return {
    stop: async () => {
      crds.stop();
      await controllers.stop();
    },
    idle: async () => {
      await controllers.idle();
      await crds.queue.idle();
    },
  };
}
