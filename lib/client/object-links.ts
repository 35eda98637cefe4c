import type { OwnerReference } from '../apimachinery/generated/kinds.ts';
import type { ApiResourceEntry } from './discovery.ts';

// An object's neighbours for its detail page: the owners its ownerReferences name, the objects whose
// ownerReferences name it, and where each one's page is. Kubernetes keeps no reverse index of ownership, so the
// owned objects are found by listing the kinds that can be owned in the object's namespace; a selector the object
// declares (spec.selector.matchLabels, as Deployments, ReplicaSets and Jobs have) narrows those lists.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  ownerReferences?: OwnerReference[];
}

export interface LinkedObject {
  kind: string;
  name: string;
  namespace?: string;
  /** Absent when the server does not serve the kind (an owner of a kind since removed). */
  href?: string;
  controller: boolean;
}

const enc = encodeURIComponent;

/** The page of an object: pods and nodes have their own, every other kind the generic object page. */
export function objectHref(entry: ApiResourceEntry, name: string, namespace?: string): string {
  if (entry.group === 'core' && entry.plural === 'pods' && namespace) return `/pods/${enc(namespace)}/${enc(name)}`;
  if (entry.group === 'core' && entry.plural === 'nodes') return `/nodes/${enc(name)}`;
  return `/resources/${enc(entry.group)}/${enc(entry.version)}/${enc(entry.plural)}/${namespace ? `${enc(namespace)}/` : ''}${enc(name)}`;
}

/** The served kind an apiVersion and kind name (`apps/v1`, `Deployment`), in whichever version discovery prefers. */
export function entryFor(
  apiVersion: string,
  kind: string,
  entries: readonly ApiResourceEntry[],
): ApiResourceEntry | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? 'core' : apiVersion.slice(0, slash);
  return entries.find((e) => e.group === group && e.kind === kind);
}

/** The object's owners, controller first; an owner is in the object's namespace or cluster-scoped. */
export function ownerLinks(meta: ObjectMeta, entries: readonly ApiResourceEntry[]): LinkedObject[] {
  return (meta.ownerReferences ?? [])
    .map((ref) => {
      const entry = entryFor(ref.apiVersion, ref.kind, entries);
      const namespace = entry?.namespaced ? meta.namespace : undefined;
      return {
        kind: ref.kind,
        name: ref.name,
        namespace,
        href: entry && objectHref(entry, ref.name, namespace),
        controller: ref.controller === true,
      };
    })
    .sort((a, b) => Number(b.controller) - Number(a.controller));
}

/** Kinds whose objects may be owned by a namespaced object: namespaced, listable, and not records about objects. */
export function ownableKinds(entries: readonly ApiResourceEntry[]): ApiResourceEntry[] {
  return entries.filter(
    (e) => e.namespaced && e.verbs.includes('list') && e.kind !== 'Event' && !e.plural.endsWith('reviews'),
  );
}

/** `spec.selector.matchLabels` as a label selector (`app=web,tier=front`), when the object declares one. */
export function matchLabelsSelector(object: { [k: string]: unknown }): string | undefined {
  const selector = (object.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector;
  const labels = selector?.matchLabels;
  if (!labels || typeof labels !== 'object') return undefined;
  const pairs = Object.entries(labels).filter(([, v]) => typeof v === 'string');
  return pairs.length ? pairs.map(([k, v]) => `${k}=${v}`).join(',') : undefined;
}

/** Of `items` (objects of `entry`'s kind), those whose ownerReferences name `uid`. */
export function ownedBy(
  uid: string,
  entry: ApiResourceEntry,
  items: readonly { metadata: ObjectMeta }[],
): LinkedObject[] {
  return items.flatMap(({ metadata: m }) => {
    const ref = m.ownerReferences?.find((r) => r.uid === uid);
    return ref
      ? [
          {
            kind: entry.kind,
            name: m.name,
            namespace: m.namespace,
            href: objectHref(entry, m.name, m.namespace),
            controller: ref.controller === true,
          },
        ]
      : [];
  });
}
