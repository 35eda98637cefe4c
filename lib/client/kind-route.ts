import type { ApiResourceEntry } from './discovery.ts';

// k9s-style `:kind` jumps: the name as kubectl takes it (plural, singular, short name, or plural.group) to the
// dashboard page listing that kind. Kinds with a page of their own go there; every other kind, custom resources
// included, to the generic list.

const OWN_PAGES: Record<string, string> = {
  'core/pods': '/pods',
  'core/nodes': '/nodes',
  'core/services': '/services',
  'core/namespaces': '/namespaces',
  'core/events': '/events',
  'apps/deployments': '/deployments',
};

export interface KindMatch {
  entry: ApiResourceEntry;
  href: string;
}

const hrefOf = (e: ApiResourceEntry) =>
  OWN_PAGES[`${e.group}/${e.plural}`] ??
  `/resources/${encodeURIComponent(e.group)}/${encodeURIComponent(e.version)}/${encodeURIComponent(e.plural)}`;

/**
 * The kind `typed` names, as kubectl resolves it: an exact plural, singular (the kind in lower case) or short name,
 * preferring the core group and then built-in groups (no dot-less group is a custom one); `plural.group` picks a group.
 */
export function resolveKind(typed: string, entries: readonly ApiResourceEntry[]): KindMatch | undefined {
  const name = typed.trim().replace(/^:/, '').toLowerCase();
  if (!name) return undefined;
  const dot = name.indexOf('.');
  const [base, group] = dot > 0 ? [name.slice(0, dot), name.slice(dot + 1)] : [name, undefined];
  const names = (e: ApiResourceEntry) => [e.plural, e.kind.toLowerCase(), ...e.shortNames.map((s) => s.toLowerCase())];
  const candidates = entries.filter(
    (e) => names(e).includes(base) && (group === undefined || e.group === group || e.group.startsWith(`${group}.`)),
  );
  const rank = (e: ApiResourceEntry) => (e.group === 'core' ? 0 : e.group.includes('.') ? 2 : 1);
  const entry = candidates.sort((a, b) => rank(a) - rank(b))[0];
  return entry && { entry, href: hrefOf(entry) };
}

/** Names to offer while typing: each kind's plural, with its short names. */
export function kindSuggestions(entries: readonly ApiResourceEntry[]): string[] {
  return [...new Set(entries.flatMap((e) => [e.plural, ...e.shortNames]))].sort();
}
