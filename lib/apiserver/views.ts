import type { ContainerState, Event, Pod } from '../apimachinery/generated/kinds.ts';
import type { Stored } from '../apimachinery/object.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import type { ObjectApi } from './object-api.ts';
import type { DecisionSummary } from '../scheduler/decisions.ts';

import {
  encodeEventRow,
  eventRow,
  EVENT_ROW_COLUMNS,
  newestEventFirst,
  podMatches,
  podRow,
  POD_ROW_COLUMNS,
  podRowTuple,
  type EventRow,
  type EventRowTuple,
  type PodRow,
  type PodRowTuple,
} from '../apimachinery/rows.ts';

export type { NodeRow, PodRow, DeploymentRow } from '../apimachinery/rows.ts';

// The dashboard's rows, computed on the server from the watch cache.

export function podRows(api: ObjectApi, filter: { namespace?: string; text?: string } = {}): PodRow[] {
  return api.cache
    .list(typeByKey('pods').key, filter.namespace || undefined)
    .items.filter((p) => podMatches(p, filter.text))
    .map((p) => podRow(p));
}

export interface PodRowList {
  kind: 'PodRowList';
  apiVersion: 'entroos.io/v1';
  metadata: { resourceVersion: string };
  columns: typeof POD_ROW_COLUMNS;
  rows: PodRowTuple[];
}

/**
 * The pods table as compact rows, consistent at one resourceVersion: a
 * dashboard lists this once and then follows the pods' watch from that version.
 */
export function podRowList(
  api: ObjectApi,
  options: { namespace?: string; labelSelector?: string | null; fieldSelector?: string | null },
): PodRowList {
  const { items, resourceVersion } = api.list(typeByKey('pods'), options.namespace || undefined, {
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
  });
  return {
    kind: 'PodRowList',
    apiVersion: 'entroos.io/v1',
    metadata: { resourceVersion },
    columns: POD_ROW_COLUMNS,
    rows: items.map(podRowTuple),
  };
}

export interface EventRowList {
  kind: 'EventRowList';
  apiVersion: 'entroos.io/v1';
  metadata: { resourceVersion: string };
  columns: typeof EVENT_ROW_COLUMNS;
  /** Events in the cluster (or namespace); `rows` holds the newest `limit` of them, newest first. */
  total: number;
  rows: EventRowTuple[];
}

/** The newest `limit` events as compact rows, at one resourceVersion (events can number hundreds of thousands). */
export function eventRowList(api: ObjectApi, options: { namespace?: string; limit: number }): EventRowList {
  const { items, resourceVersion } = api.list(typeByKey('events'), options.namespace || undefined);
  const now = Date.now();
  const rows = items.map((e) => eventRow(e, now));
  rows.sort(newestEventFirst);
  return {
    kind: 'EventRowList',
    apiVersion: 'entroos.io/v1',
    metadata: { resourceVersion },
    columns: EVENT_ROW_COLUMNS,
    total: rows.length,
    rows: rows.slice(0, options.limit).map(encodeEventRow),
  };
}

export interface PodDetail extends PodRow {
  qos: string;
  containers: {
    name: string;
    image?: string;
    state: string;
    ready: boolean;
    restarts: number;
    lastTermination?: string;
  }[];
  /** Newest first (by last seen, then by the order they were written: timestamps have second precision). */
  events: Pick<EventRow, 'type' | 'reason' | 'count' | 'message' | 'lastSeen' | 'lastSeenAt'>[];
  decision?: DecisionSummary;
}

function stateText(state: ContainerState | undefined): string {
  if (state?.running) return `Running since ${state.running.startedAt}`;
  if (state?.waiting)
    return `Waiting: ${state.waiting.reason}${state.waiting.message ? ` (${state.waiting.message})` : ''}`;
  if (state?.terminated) return `Terminated: ${state.terminated.reason} (exit ${state.terminated.exitCode})`;
  return 'Waiting';
}

/** Everything the pod page shows: summary, containers, events and the scheduling decision. */
export function podDetail(
  api: ObjectApi,
  namespace: string,
  name: string,
  decision?: DecisionSummary,
): PodDetail | undefined {
  const pod = api.peek(typeByKey('pods'), namespace, name) as Stored<Pod> | undefined;
  if (!pod) return undefined;
  const row = podRow(pod);
  const statuses = pod.status?.containerStatuses ?? [];
  const now = Date.now();
  const events = (api.cache.list(typeByKey('events').key, namespace).items as Stored<Event>[])
    .filter((e) => e.involvedObject?.uid === pod.metadata.uid)
    .map((e) => eventRow(e, now))
    .sort(newestEventFirst);
  return {
    ...row,
    qos: pod.status?.qosClass ?? '—',
    containers: (pod.spec?.containers ?? []).map((c) => {
      const s = statuses.find((x) => x.name === c.name);
      const last = s?.lastState?.terminated;
      return {
        name: c.name,
        image: c.image,
        state: stateText(s?.state),
        ready: !!s?.ready,
        restarts: s?.restartCount ?? 0,
        lastTermination: last ? `${last.reason} (exit ${last.exitCode}) at ${last.finishedAt}` : undefined,
      };
    }),
    events: events.map(({ type, reason, count, message, lastSeen, lastSeenAt }) => ({
      type,
      reason,
      count,
      message,
      lastSeen,
      lastSeenAt,
    })),
    decision,
  };
}
