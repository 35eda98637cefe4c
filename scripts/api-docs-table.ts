import { RESOURCE_TYPES, type ResourceType } from '../lib/apimachinery/registry.ts';

// The Resources table of docs/api.md, made from the registry the server serves from, so the documentation
// cannot drift from what discovery says. `npm run docs:api` rewrites the table between its markers; a unit test
// fails when it is stale.

export const BEGIN = '<!-- resources:begin (npm run docs:api) -->';
export const END = '<!-- resources:end -->';

/** Subresources the handler serves beyond the registry's list (kube-apiserver lists it for namespaces too). */
const EXTRA_SUBRESOURCES: Record<string, string[]> = { namespaces: ['finalize'] };

const groupVersion = (t: ResourceType) => (t.group ? `${t.group}/${t.version}` : t.version);

export function resourcesTable(): string {
  const header = ['Group/version', 'Kind', 'Resource', 'Short names', 'Scope', 'Verbs', 'Subresources'];
  const rows = RESOURCE_TYPES.map((t) => [
    groupVersion(t),
    t.kind,
    t.plural,
    t.shortNames.join(', '),
    t.namespaced ? 'namespaced' : 'cluster',
    t.verbs.join(', '),
    [...t.subresources, ...(EXTRA_SUBRESOURCES[t.plural] ?? [])].join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** docs/api.md's text with the table between the markers replaced. */
export function withTable(markdown: string): string {
  const start = markdown.indexOf(BEGIN);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/api.md has no ${BEGIN} … ${END} markers`);
  return `${markdown.slice(0, start + BEGIN.length)}\n\n${resourcesTable()}\n\n${markdown.slice(end)}`;
}
