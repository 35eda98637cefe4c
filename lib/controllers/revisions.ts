import { createHash } from 'node:crypto';
import type { ControllerContext } from './context.ts';
import type { SharedOwnerIndex } from './owners.ts';
import type { ControllerRevision, PodTemplateSpec } from '../apimachinery/generated/kinds.ts';
import { clone, controllerOf, ownerRef, type KubeObject } from '../apimachinery/meta.ts';
import type { Stored } from '../apimachinery/object.ts';
import { jsonEqual } from '../apimachinery/patch.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { isApiError } from '../apimachinery/errors.ts';

// ControllerRevisions: the history of a StatefulSet's or DaemonSet's pod template, as their upstream controllers
// keep it. Each revision's data is the strategic merge patch that puts its template back
// ({"spec":{"template":{…,"$patch":"replace"}}}), which is what `kubectl rollout undo` sends; `kubectl rollout
// history` lists the revisions the parent's selector finds and it controls.

export const REVISIONS = typeByKey('controllerrevisions.apps');
export const REVISION_HASH_LABEL = 'controller-revision-hash';

export type RevisionObject = Stored<ControllerRevision>;

/** JSON with sorted keys, so that a template written with its keys in another order hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** Like upstream's HashControllerRevision: a short hash of the data (and the collision count) in the safe alphabet. */
export function revisionHash(data: unknown, collisionCount: number): string {
  const digest = createHash('sha256')
    .update(canonical(data))
    .update(collisionCount ? String(collisionCount) : '')
    .digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from(digest.subarray(0, 10), (b) => alphabet[b % alphabet.length]).join('');
}

export const revisionData = (template: PodTemplateSpec | undefined) => ({
  spec: { template: { ...clone(template ?? {}), $patch: 'replace' } },
});

/** The template a revision holds. */
export function templateOf(revision: RevisionObject): PodTemplateSpec {
  const data = revision.data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined;
  const template = clone(data?.spec?.template ?? {});
  delete template.$patch;
  return template;
}

export interface Parent extends KubeObject {
  spec: { template?: PodTemplateSpec; revisionHistoryLimit?: number };
  status?: { collisionCount?: number };
}

export interface RevisionState {
  /** Every revision the parent controls, oldest first. */
  revisions: RevisionObject[];
  /** The revision of the parent's current template (created or renumbered as needed). */
  update: RevisionObject;
  collisionCount: number;
}

/** Finds or creates the revision of `parent`'s template; a revision found again under an older number becomes the newest. */
export async function syncRevisions(
  ctx: ControllerContext,
  index: SharedOwnerIndex,
  parent: Parent,
  kind: 'StatefulSet' | 'DaemonSet',
): Promise<RevisionState> {
  const { api } = ctx;
  const owned = () =>
    (index.owned(parent.metadata.uid) as RevisionObject[])
      .filter((r) => controllerOf(r)?.uid === parent.metadata.uid)
      .sort((a, b) => a.revision - b.revision);
  let revisions = owned();
  const data = revisionData(parent.spec.template);
  const max = revisions.reduce((n, r) => Math.max(n, r.revision), 0);
  let collisionCount = parent.status?.collisionCount ?? 0;
  let update = revisions.find((r) => jsonEqual(r.data, data));
  if (update && update.revision < max) {
    const next = clone(update);
    next.revision = max + 1;
    update = (await api.commit(REVISIONS, next)) as RevisionObject;
  }
  while (!update) {
    const hash = revisionHash(data, collisionCount);
    const name = `${parent.metadata.name}-${hash}`;
    try {
      update = (await api.create(REVISIONS, parent.metadata.namespace, {
        metadata: {
          name,
          namespace: parent.metadata.namespace,
          labels: { ...parent.spec.template?.metadata?.labels, [REVISION_HASH_LABEL]: hash },
          ownerReferences: [ownerRef(parent, 'apps/v1', kind)],
        },
        data,
        revision: max + 1,
      } satisfies ControllerRevision)) as RevisionObject;
    } catch (err) {
      if (!(isApiError(err) && err.code === 409)) throw err;
      const existing = api.peek(REVISIONS, parent.metadata.namespace, name) as RevisionObject | undefined;
      if (existing && controllerOf(existing)?.uid === parent.metadata.uid && jsonEqual(existing.data, data))
        update = existing;
      else collisionCount++; // another object holds the name: hash again with a new collision count
    }
  }
  revisions = owned();
  if (!revisions.includes(update))
    revisions = [...revisions.filter((r) => r.metadata.name !== update.metadata.name), update];
  revisions.sort((a, b) => a.revision - b.revision);
  return { revisions, update, collisionCount };
}

/** Deletes the oldest revisions beyond the history limit that no pod and no status still names. */
export async function truncateHistory(
  ctx: ControllerContext,
  parent: Parent,
  state: RevisionState,
  inUse: Set<string>,
): Promise<void> {
  const limit = parent.spec.revisionHistoryLimit ?? 10;
  const idle = state.revisions.filter((r) => r !== state.update && !inUse.has(r.metadata.name));
  for (const r of idle.slice(0, Math.max(0, idle.length - limit))) {
    await ctx.api.delete(REVISIONS, r.metadata.namespace, r.metadata.name).catch((err: unknown) => {
      if (!(isApiError(err) && err.code === 404)) throw err;
    });
  }
}
