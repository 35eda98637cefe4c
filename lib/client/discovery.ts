'use client';

import { useQuery } from '@tanstack/react-query';
import type { APIGroupList, APIResourceList } from '../apimachinery/generated/kinds.ts';
import { ApiClientError, apiFetch } from './api.ts';

// What the server serves, from its discovery documents (/api/v1, /apis and
// /apis/<group>/<version>), as kubectl api-resources reads them: the generic
// resource pages learn a kind's name, scope, versions and subresources here,
// for built-in kinds and custom resources alike.

/** The URL segment that stands for the core group ("" has no segment of its own). */
export const CORE = 'core';

/** Which collection, as the pages' URLs name it (`core` for the core group). */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
}

export interface KindInfo {
  kind: string;
  namespaced: boolean;
  verbs: string[];
  /** The versions the group serves, the preferred first. */
  versions: string[];
  preferredVersion: string;
  statusSubresource: boolean;
}

export interface ApiResourceEntry extends ResourceRef {
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
}

/** Discovery changes when CRDs come and go; a minute is plenty for pages that also follow their objects. */
const DISCOVERY_STALE_MS = 30_000;

const groupVersionPath = (group: string, version: string) =>
  group === CORE || group === '' ? `/api/${encodeURIComponent(version)}` : `/apis/${group}/${version}`;

async function kindInfo(ref: ResourceRef): Promise<KindInfo> {
  const core = ref.group === CORE || ref.group === '';
  const [list, groups] = await Promise.all([
    apiFetch<APIResourceList>(groupVersionPath(ref.group, ref.version)),
    core ? Promise.resolve(undefined) : apiFetch<APIGroupList>('/apis'),
  ]);
  const resource = list.resources.find((r) => r.name === ref.plural);
  if (!resource) {
    throw new ApiClientError(
      `The server does not serve ${ref.plural} in ${core ? '' : `${ref.group}/`}${ref.version}.`,
      404,
    );
  }
  const group = groups?.groups.find((g) => g.name === ref.group);
  const versions = core ? ['v1'] : (group?.versions.map((v) => v.version) ?? [ref.version]);
  const preferred = core ? 'v1' : (group?.preferredVersion?.version ?? versions[0] ?? ref.version);
  return {
    kind: resource.kind,
    namespaced: resource.namespaced,
    verbs: resource.verbs,
    versions: [preferred, ...versions.filter((v) => v !== preferred)],
    preferredVersion: preferred,
    statusSubresource: list.resources.some((r) => r.name === `${ref.plural}/status`),
  };
}

/** A kind's name, scope and versions, from discovery. */
export function useKindInfo(ref: ResourceRef) {
  return useQuery({
    queryKey: ['discovery', 'kind', ref.group, ref.version, ref.plural],
    queryFn: () => kindInfo(ref),
    staleTime: DISCOVERY_STALE_MS,
    retry: (count, err) => !(err instanceof ApiClientError && [403, 404].includes(err.code)) && count < 1,
  });
}

async function allResources(): Promise<ApiResourceEntry[]> {
  const groups = await apiFetch<APIGroupList>('/apis');
  const lists: [string, string][] = [
    [CORE, 'v1'],
    ...groups.groups.flatMap((g) =>
      g.preferredVersion ? [[g.name, g.preferredVersion.version] as [string, string]] : [],
    ),
  ];
  const out: ApiResourceEntry[] = [];
  const fetched = await Promise.all(
    lists.map(([group, version]) => apiFetch<APIResourceList>(groupVersionPath(group, version))),
  );
  fetched.forEach((list, i) => {
    const [group, version] = lists[i];
    for (const r of list.resources) {
      if (r.name.includes('/')) continue;
      out.push({
        group,
        version,
        plural: r.name,
        kind: r.kind,
        namespaced: r.namespaced,
        shortNames: r.shortNames ?? [],
        verbs: r.verbs,
      });
    }
  });
  return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.group.localeCompare(b.group));
}

/** Every resource the server serves at its group's preferred version (kubectl api-resources). */
export function useApiResources() {
  return useQuery({ queryKey: ['discovery', 'all'], queryFn: allResources, staleTime: DISCOVERY_STALE_MS });
}
