import type { APIResourceList } from '../apimachinery/generated/kinds.ts';
import { ApiClientError, apiFetch } from './api.ts';
import { collectionPath, type ObjectRef } from './custom-resources.ts';
import { CORE } from './discovery.ts';

// Creating an object of any kind from its manifest, as `kubectl create -f` does: the manifest's apiVersion and
// kind are looked up in discovery for the collection to POST to.

export interface AnyManifest {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
}

/** Where the manifest's object is created, and the object it will be (for its page); a readable error otherwise. */
export async function createTarget(object: AnyManifest): Promise<{ path: string; ref: ObjectRef }> {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind)
    throw new ApiClientError('The manifest needs apiVersion and kind (one object per submission).', 0);
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : [CORE, apiVersion];
  let list: APIResourceList;
  try {
    list = await apiFetch<APIResourceList>(
      group === CORE ? `/api/${encodeURIComponent(version)}` : `/apis/${group}/${encodeURIComponent(version)}`,
    );
  } catch (err) {
    if (err instanceof ApiClientError && err.code === 404)
      throw new ApiClientError(`The server does not serve apiVersion ${apiVersion}.`, 0);
    throw err;
  }
  const resource = list.resources.find((r) => r.kind === kind && !r.name.includes('/'));
  if (!resource) throw new ApiClientError(`The server serves no kind ${kind} in ${apiVersion}.`, 0);
  const name = typeof object.metadata?.name === 'string' ? object.metadata.name : '';
  const given = typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : '';
  const namespace = resource.namespaced ? given || 'default' : undefined;
  const ref: ObjectRef = { group, version, plural: resource.name, namespace, name };
  return { path: `${collectionPath(ref, namespace)}?fieldValidation=Strict`, ref };
}
