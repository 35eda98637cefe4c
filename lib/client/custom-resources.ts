'use client';

import { useMutation, useQueries, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type {
  CustomResourceDefinition,
  CustomResourceDefinitionCondition,
  CustomResourceDefinitionVersion,
} from '../apimachinery/generated/kinds.ts';
import { ApiClientError, apiFetch } from './api.ts';
import { feedback } from './feedback.ts';
import { CORE, type ResourceRef } from './discovery.ts';
import { useConnectionState } from '@entroos/react';
import { subscribe } from './socket.ts';

// Custom resources in the dashboard, generically: the CRDs
// (apiextensions.k8s.io/v1), a CRD's objects as the server's Table (its
// printer columns), one object as JSON (shown as YAML), replaced with PUT and
// deleted. Views stay current by re-listing: on the tab socket's changes when
// the gateway follows the resource (`plural.group`), otherwise by polling.

export type { CustomResourceDefinition, CustomResourceDefinitionVersion };

export const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json';
/** How often a view re-lists when the socket cannot follow it. */
export const POLL_MS = 5_000;

export type { ResourceRef } from './discovery.ts';

/** One object of a CRD. */
export interface ObjectRef extends ResourceRef {
  namespace?: string;
  name: string;
}

export interface CustomObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    [k: string]: unknown;
  };
  status?: { conditions?: unknown; [k: string]: unknown };
  [k: string]: unknown;
}

/** meta.k8s.io/v1 Table, as the server answers a list asked for `as=Table`. */
export interface TableColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata?: CustomObject['metadata'] };
}

export interface KubeTable {
  kind: 'Table';
  columnDefinitions: TableColumn[];
  rows: TableRow[];
  metadata?: { resourceVersion?: string };
}

const enc = encodeURIComponent;

const isCore = (group: string) => group === CORE || group === '';

/** `/apis/<group>/<version>[/namespaces/<ns>]/<plural>` (`/api/v1/…` for the core group). */
export function collectionPath(ref: ResourceRef, namespace?: string): string {
  const base = isCore(ref.group) ? `/api/${enc(ref.version)}` : `/apis/${enc(ref.group)}/${enc(ref.version)}`;
  return namespace ? `${base}/namespaces/${enc(namespace)}/${enc(ref.plural)}` : `${base}/${enc(ref.plural)}`;
}

export const objectPath = (ref: ObjectRef) => `${collectionPath(ref, ref.namespace)}/${enc(ref.name)}`;

/**
 * Where the generic pages live: custom resources under /custom-resources (beside their CRDs), the built-in
 * kinds under /resources. Both render the same components.
 */
export type Section = 'custom-resources' | 'resources';

export const SECTION_TITLES: Record<Section, string> = {
  'custom-resources': 'Custom resources',
  resources: 'All resources',
};

/** The dashboard page of a kind's objects (one served version). */
export const listPage = (ref: ResourceRef, section: Section = 'custom-resources') =>
  `/${section}/${enc(isCore(ref.group) ? CORE : ref.group)}/${enc(ref.version)}/${enc(ref.plural)}`;

/** The dashboard page of one object: `<list>/<namespace>/<name>`, or `<list>/<name>` when cluster-scoped. */
/** The page that creates an object of the kind from a YAML manifest (any kind, as `kubectl create -f`). */
export const createPage = (ref: ResourceRef, kind: string, namespace?: string) =>
  `/resources/new?${new URLSearchParams({
    apiVersion: isCore(ref.group) ? ref.version : `${ref.group}/${ref.version}`,
    kind,
    ...(namespace ? { namespace } : {}),
  })}`;

export const objectPage = (ref: ObjectRef, section: Section = 'custom-resources') =>
  `${listPage(ref, section)}/${ref.namespace ? `${enc(ref.namespace)}/` : ''}${enc(ref.name)}`;

/** The CRD's name: `<plural>.<group>`. */
export const crdName = (ref: { plural: string; group: string }) => `${ref.plural}.${ref.group}`;

/** The store's key of a resource (what the socket follows and RBAC decides on): the plural for the core group. */
export const resourceKey = (ref: { plural: string; group: string }) => (isCore(ref.group) ? ref.plural : crdName(ref));

/** How a list is titled: `pods` (core), `deployments.apps`, `crontabs.stable.example.com`. */
export const resourceLabel = (ref: ResourceRef) => `${resourceKey(ref)}/${ref.version}`;

export const isNamespaced = (crd: CustomResourceDefinition | undefined) => crd?.spec.scope !== 'Cluster';

export const servedVersions = (crd: CustomResourceDefinition) => crd.spec.versions.filter((v) => v.served);

/** The version to show first: the storage version if it is served, else the first served one. */
export function preferredVersion(crd: CustomResourceDefinition): CustomResourceDefinitionVersion | undefined {
  const served = servedVersions(crd);
  return served.find((v) => v.storage) ?? served[0];
}

export function condition(crd: CustomResourceDefinition, type: string): CustomResourceDefinitionCondition | undefined {
  return crd.status?.conditions?.find((c) => c.type === type);
}

/** A GET that asks for a Table (the API's own list otherwise is turned into NAME/AGE rows), with apiFetch's errors. */
async function fetchTable(path: string): Promise<KubeTable> {
  const data = await apiFetch<unknown>(path, { accept: TABLE_ACCEPT });
  const body = (data ?? {}) as Partial<KubeTable> & { items?: CustomObject[]; metadata?: { resourceVersion?: string } };
  if (body.kind === 'Table' && Array.isArray(body.columnDefinitions) && Array.isArray(body.rows))
    return body as KubeTable;
  // A server that does not print tables for this resource: NAME and AGE, as kube-apiserver's default.
  return {
    kind: 'Table',
    metadata: body.metadata,
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', priority: 0 },
      { name: 'Age', type: 'date', priority: 0 },
    ],
    rows: (body.items ?? []).map((o) => ({
      cells: [o.metadata.name, o.metadata.creationTimestamp ?? ''],
      object: { metadata: o.metadata },
    })),
  };
}

/**
 * Keeps a query current: follows `resource` on the tab's socket and re-lists (at most once a second) when
 * it changes; polls every POLL_MS while the socket is not connected or the gateway does not follow the
 * resource. Returns whether it is polling.
 */
function useLiveRefetch(
  queryKey: QueryKey,
  spec: { resource: string; namespace?: string; name?: string },
  enabled: boolean,
): boolean {
  const queryClient = useQueryClient();
  const connection = useConnectionState();
  // A refusal belongs to the subscription it answered: another resource or scope tries the socket again.
  const [refused, setRefused] = useState<{ key: string; message: string } | null>(null);
  const key = JSON.stringify([queryKey, spec.resource, spec.namespace, spec.name]);
  const keyRef = useRef(queryKey);
  useEffect(() => {
    keyRef.current = queryKey;
  });
  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const refetch = () => {
      if (timer) return;
      const wait = Math.max(0, last + 1_000 - Date.now());
      timer = setTimeout(() => {
        timer = undefined;
        last = Date.now();
        void queryClient.refetchQueries({ queryKey: keyRef.current, exact: true }, { cancelRefetch: false });
      }, wait);
    };
    let stop = () => {};
    const start = () => {
      stop = subscribe(
        { stream: 'objects', resource: spec.resource, namespace: spec.namespace, name: spec.name },
        {
          onChanges: refetch,
          onResync: () => {
            // The history no longer reaches back: follow from now on and list again.
            stop();
            start();
            refetch();
          },
          onError: (error) => setRefused({ key, message: error.message }),
        },
      );
    };
    start();
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, [enabled, key, spec.resource, spec.namespace, spec.name, queryClient]);
  return enabled && (connection !== 'connected' || refused?.key === key);
}

const crdsKey = ['custom-resources', 'crds'] as const;

/** Every CRD, kept current. */
export function useCrdsQuery() {
  const queryKey = crdsKey;
  const polling = useLiveRefetch(queryKey, { resource: 'customresourcedefinitions.apiextensions.k8s.io' }, true);
  return useQuery({
    queryKey,
    queryFn: () => apiFetch<{ items: CustomResourceDefinition[] }>(CRD_PATH).then((l) => l.items ?? []),
    refetchInterval: polling ? POLL_MS * 2 : false,
  });
}

/** One CRD by its resource (`plural.group`). */
export function useCrdQuery(ref: { group: string; plural: string }) {
  const queryKey = ['custom-resources', 'crd', crdName(ref)];
  const polling = useLiveRefetch(
    queryKey,
    { resource: 'customresourcedefinitions.apiextensions.k8s.io', name: crdName(ref) },
    true,
  );
  return useQuery({
    queryKey,
    queryFn: () => apiFetch<CustomResourceDefinition>(`${CRD_PATH}/${enc(crdName(ref))}`),
    refetchInterval: polling ? POLL_MS * 2 : false,
    retry: (count, err) => !(err instanceof ApiClientError && [403, 404].includes(err.code)) && count < 1,
  });
}

/**
 * How many objects each CRD has (one `limit=1` list each: the item plus `remainingItemCount`), or undefined
 * when the server does not say (or the list failed).
 */
export function useObjectCounts(crds: CustomResourceDefinition[]): Map<string, number | undefined> {
  const results = useQueries({
    queries: crds.map((crd) => {
      const version = preferredVersion(crd)?.name;
      const ref = { group: crd.spec.group, version: version ?? '', plural: crd.spec.names.plural };
      return {
        queryKey: ['custom-resources', 'count', crdName(ref), ref.version],
        enabled: !!version,
        refetchInterval: POLL_MS * 3,
        retry: false,
        queryFn: async (): Promise<number | null> => {
          const list = await apiFetch<{
            items?: unknown[];
            metadata?: { continue?: string; remainingItemCount?: number };
          }>(`${collectionPath(ref)}?limit=1`);
          const shown = list.items?.length ?? 0;
          if (list.metadata?.continue && list.metadata.remainingItemCount === undefined) return null;
          return shown + (list.metadata?.remainingItemCount ?? 0);
        },
      };
    }),
  });
  const counts = new Map<string, number | undefined>();
  crds.forEach((crd, i) =>
    counts.set(crdName({ group: crd.spec.group, plural: crd.spec.names.plural }), results[i]?.data ?? undefined),
  );
  return counts;
}

const tableKey = (ref: ResourceRef, namespace?: string) => [
  'custom-resources',
  'table',
  ref.group,
  ref.version,
  ref.plural,
  namespace ?? '',
];

/** A CRD's objects (in one namespace, or all) as the server's Table, kept current. */
export function useCustomResourceTable(ref: ResourceRef, namespace: string | undefined, enabled = true) {
  const queryKey = tableKey(ref, namespace);
  const polling = useLiveRefetch(queryKey, { resource: resourceKey(ref), namespace }, enabled);
  return useQuery({
    queryKey,
    enabled,
    queryFn: () => fetchTable(`${collectionPath(ref, namespace)}?includeObject=Metadata`),
    refetchInterval: polling ? POLL_MS : false,
    placeholderData: (previous) => previous,
  });
}

const objectKey = (ref: ObjectRef) => [
  'custom-resources',
  'object',
  ref.group,
  ref.version,
  ref.plural,
  ref.namespace ?? '',
  ref.name,
];

/** One object, as JSON, kept current. */
export function useCustomObjectQuery(ref: ObjectRef, enabled = true) {
  const queryKey = objectKey(ref);
  const polling = useLiveRefetch(
    queryKey,
    { resource: resourceKey(ref), namespace: ref.namespace, name: ref.name },
    enabled,
  );
  return useQuery({
    queryKey,
    enabled,
    queryFn: () => apiFetch<CustomObject>(objectPath(ref)),
    refetchInterval: polling ? POLL_MS : false,
    retry: (count, err) => !(err instanceof ApiClientError && [403, 404].includes(err.code)) && count < 1,
  });
}

const label = (ref: ObjectRef, kind?: string) =>
  `${kind ?? ref.plural} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;

/** The field manager the dashboard's writes (replace and server-side apply) are recorded under. */
export const DASHBOARD_FIELD_MANAGER = 'entroos-dashboard';

/**
 * PUT: replaces the object (its metadata.resourceVersion guards against lost updates: 409 when stale). Sent with
 * fieldValidation=Strict, so a misspelt field is refused (400 naming it) rather than silently dropped.
 */
export function useReplaceCustomObjectMutation(ref: ObjectRef, kind?: string) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: feedback({ action: `Saving ${label(ref, kind)}`, success: `Saved ${label(ref, kind)}.` }),
    mutationFn: (object: unknown) =>
      apiFetch<CustomObject>(`${objectPath(ref)}?fieldValidation=Strict&fieldManager=${DASHBOARD_FIELD_MANAGER}`, {
        method: 'PUT',
        body: object,
      }),
    onSuccess: (saved) => {
      queryClient.setQueryData(objectKey(ref), saved);
      void queryClient.invalidateQueries({
        queryKey: ['custom-resources', 'table', ref.group, ref.version, ref.plural],
      });
    },
  });
}

/**
 * Server-side apply of a YAML text (PATCH application/apply-patch+yaml, fieldValidation=Strict): a field another
 * manager owns with a different value is a 409 listing the conflicts, unless `force` takes them over.
 */
export function useApplyCustomObjectMutation(ref: ObjectRef, kind?: string) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: feedback({ action: `Applying ${label(ref, kind)}`, success: `Applied ${label(ref, kind)}.` }),
    mutationFn: ({ yaml, force }: { yaml: string; force: boolean }) =>
      apiFetch<CustomObject>(
        `${objectPath(ref)}?fieldManager=${DASHBOARD_FIELD_MANAGER}&fieldValidation=Strict${force ? '&force=true' : ''}`,
        { method: 'PATCH', body: yaml, contentType: 'application/apply-patch+yaml' },
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(objectKey(ref), saved);
      void queryClient.invalidateQueries({
        queryKey: ['custom-resources', 'table', ref.group, ref.version, ref.plural],
      });
    },
  });
}

/** DELETE one object (the list follows through the socket, or its next poll; it is also re-listed now). */
export function useDeleteCustomObjectMutation(kind?: string) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: feedback({ action: 'Deleting', success: (_d, ref: ObjectRef) => `Deleted ${label(ref, kind)}.` }),
    mutationFn: (ref: ObjectRef) => apiFetch<unknown>(objectPath(ref), { method: 'DELETE' }),
    onSuccess: (_d, ref) => {
      void queryClient.invalidateQueries({
        queryKey: ['custom-resources', 'table', ref.group, ref.version, ref.plural],
      });
      void queryClient.invalidateQueries({ queryKey: ['custom-resources', 'count'] });
    },
  });
}

export { fieldSegments, locateField, type FieldLocation } from './field-location.ts';
