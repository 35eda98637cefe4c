import { labelSelector, type Selector } from '../apimachinery/selectors.ts';
import type { ApiResourceEntry } from './discovery.ts';
import { resolveKind } from './kind-route.ts';

// Ctrl-K search, pure: a typed query → what to look for (a kind, a label selector, name terms), and objects already
// listed → results grouped by kind, best first. `deploy web` is Deployments named like web; `app=web` anything
// labelled app=web; `po app=web api` pods labelled app=web whose names hold "api".

export interface SearchItem {
  entry: ApiResourceEntry;
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
}

export interface SearchQuery {
  kind?: ApiResourceEntry;
  /** The label selector as typed (`app=web,tier!=db`), and its matcher. */
  labelText?: string;
  labels?: Selector;
  /** Lower-cased words every result's name (or namespace/name) holds. */
  terms: string[];
  /** Why the query cannot be used as typed (a malformed selector). */
  problem?: string;
}

export interface SearchHit extends SearchItem {
  href: string;
}

export interface SearchGroup {
  entry: ApiResourceEntry;
  hits: SearchHit[];
  /** Matches not shown (beyond the per-kind limit). */
  more: number;
}

const LABEL_TERM = /[=!]|\s(in|notin)\s/;

/** Reads what is typed: an optional leading kind, `key=value` / `key!=value` / `!key` label terms, and name words. */
export function parseQuery(text: string, entries: readonly ApiResourceEntry[]): SearchQuery {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  const query: SearchQuery = { terms: [] };
  if (!tokens.length) return query;
  const kind = resolveKind(tokens[0], entries);
  // A lone word that names a kind ("pods") lists that kind; followed by more, it narrows to the kind.
  if (kind && !LABEL_TERM.test(tokens[0])) {
    query.kind = kind.entry;
    tokens.shift();
  }
  const labelTerms: string[] = [];
  for (const t of tokens) {
    if (LABEL_TERM.test(` ${t} `) || t.startsWith('!')) labelTerms.push(t);
    else query.terms.push(t.toLowerCase());
  }
  if (labelTerms.length) {
    query.labelText = labelTerms.join(',');
    try {
      query.labels = labelSelector(query.labelText);
    } catch (err) {
      query.problem = `“${query.labelText}” is not a label selector: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return query;
}

/** Whether there is anything to look for. */
export const isEmptyQuery = (q: SearchQuery) => !q.kind && !q.labelText && !q.terms.length;

const enc = encodeURIComponent;

/** The page of an object: pods and nodes have their own, every other kind the generic object page. */
export function objectHref(entry: ApiResourceEntry, name: string, namespace?: string): string {
  if (entry.group === 'core' && entry.plural === 'pods' && namespace) return `/pods/${enc(namespace)}/${enc(name)}`;
  if (entry.group === 'core' && entry.plural === 'nodes') return `/nodes/${enc(name)}`;
  return `/resources/${enc(entry.group)}/${enc(entry.version)}/${enc(entry.plural)}/${namespace ? `${enc(namespace)}/` : ''}${enc(name)}`;
}

/** 0 for an exact name, 1 a prefix, 2 anywhere (every term must be somewhere). */
function rank(item: SearchItem, terms: string[]): number {
  if (!terms.length) return 2;
  const name = item.name.toLowerCase();
  const full = `${item.namespace ?? ''}/${name}`;
  if (!terms.every((t) => name.includes(t) || full.includes(t))) return -1;
  if (terms.length === 1 && name === terms[0]) return 0;
  return name.startsWith(terms[0]) ? 1 : 2;
}

/** What people look for first: workloads and their services, then the rest (core kinds, built-in groups, custom). */
const FIRST = ['deployments', 'statefulsets', 'daemonsets', 'services', 'pods', 'cronjobs', 'jobs', 'nodes'];
const kindOrder = (e: ApiResourceEntry) => {
  const first = FIRST.indexOf(e.plural);
  if (first >= 0 && (e.group === 'core' || !e.group.includes('.'))) return first;
  return FIRST.length + (e.group === 'core' ? 0 : e.group.includes('.') ? 2 : 1);
};

/** The items the query finds, grouped by kind (built-in kinds first), at most `perKind` shown per kind. */
export function searchItems(items: readonly SearchItem[], query: SearchQuery, perKind = 8): SearchGroup[] {
  if (isEmptyQuery(query) || query.problem) return [];
  const byKind = new Map<ApiResourceEntry, { item: SearchItem; rank: number }[]>();
  for (const item of items) {
    if (query.kind && (item.entry.group !== query.kind.group || item.entry.plural !== query.kind.plural)) continue;
    if (query.labels && !query.labels(item.labels)) continue;
    const r = rank(item, query.terms);
    if (r < 0) continue;
    const list = byKind.get(item.entry) ?? [];
    list.push({ item, rank: r });
    byKind.set(item.entry, list);
  }
  const groups = [...byKind.entries()].map(([entry, found]) => {
    found.sort(
      (a, b) =>
        a.rank - b.rank ||
        a.item.name.localeCompare(b.item.name, undefined, { numeric: true }) ||
        (a.item.namespace ?? '').localeCompare(b.item.namespace ?? ''),
    );
    return {
      entry,
      best: found[0].rank,
      hits: found
        .slice(0, perKind)
        .map(({ item }) => ({ ...item, href: objectHref(entry, item.name, item.namespace) })),
      more: Math.max(0, found.length - perKind),
    };
  });
  groups.sort(
    (a, b) => a.best - b.best || kindOrder(a.entry) - kindOrder(b.entry) || a.entry.kind.localeCompare(b.entry.kind),
  );
  return groups.map(({ entry, hits, more }) => ({ entry, hits, more }));
}

/**
 * Kinds worth listing for a search: listable, not subresources; not the event stream nor metrics.k8s.io's samples
 * (each pod again, as PodMetrics), which are noise here unless asked for by kind.
 */
export function searchableKinds(entries: readonly ApiResourceEntry[], query: SearchQuery): ApiResourceEntry[] {
  if (query.kind) return [query.kind];
  return entries.filter(
    (e) => e.verbs.includes('list') && e.plural !== 'events' && e.group !== 'metrics.k8s.io' && !e.plural.includes('/'),
  );
}
