import { stringify } from 'yaml';
// Printing as kubectl prints: tables through Go's tabwriter settings (min width 6, padding 3), JSON with four-space
// indents, YAML, names, and jsonpath templates.
import type { KubeObject, Table } from '@entroos/client';

/** kubectl's tabwriter: every column but the last is padded to max(6, widest cell + 3). */
export function formatTable(input: unknown[][]): string {
  if (!input.length) return '';
  const rows = input.map((row) => row.map((cell) => String(cell ?? '')));
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      if (i === row.length - 1) return;
      widths[i] = Math.max(widths[i] ?? 0, Math.max(6, [...cell].length + 3));
    });
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i] - [...cell].length))).join(''),
    )
    .join('\n')
    .concat('\n');
}

export function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '<none>';
  if (typeof cell === 'object') return JSON.stringify(cell);
  return String(cell);
}

export interface TableOptions {
  wide?: boolean;
  /** Prefix a NAMESPACE column (kubectl get -A). */
  withNamespace?: boolean;
  /** Print names as kind/name (several kinds in one get). */
  kindPrefix?: string;
  noHeaders?: boolean;
  showLabels?: boolean;
}

/** The rows of a server Table (headers first) as kubectl prints them. */
export function tableRows(table: Table, options: TableOptions = {}): string[][] {
  const shown = table.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => options.wide || !c.priority);
  const nameIndex = table.columnDefinitions.findIndex((c) => c.name.toLowerCase() === 'name');
  const header = shown.map(({ c }) => c.name.toUpperCase());
  if (options.withNamespace) header.unshift('NAMESPACE');
  if (options.showLabels) header.push('LABELS');
  const out = options.noHeaders ? [] : [header];
  for (const row of table.rows) {
    const cells = shown.map(({ i }) =>
      i === nameIndex && options.kindPrefix
        ? `${options.kindPrefix}/${cellText(row.cells[i])}`
        : cellText(row.cells[i]),
    );
    if (options.withNamespace) cells.unshift(row.object?.metadata?.namespace ?? '');
    if (options.showLabels) {
      const labels = Object.entries(row.object?.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`);
      cells.push(labels.length ? labels.join(',') : '<none>');
    }
    out.push(cells);
  }
  return out;
}

/** kubectl's JSON: four-space indents. */
export function toJson(value: unknown): string {
  return JSON.stringify(sorted(value), null, 4) + '\n';
}

/** Keys sorted at every level, as kubectl's YAML and JSON (Go maps) come out. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** kubectl's YAML: sorted keys, sequences not indented under their key. */
export async function toYaml(value: unknown): Promise<string> {
  return stringify(sorted(value), { lineWidth: 0, indentSeq: false });
}

/** `kind.group/name` lowercased, as kubectl names objects (pod/web, deployment.apps/api). */
export function objectName(object: KubeObject, fallbackKind = ''): string {
  const kind = (object.kind || fallbackKind).toLowerCase();
  const group = object.apiVersion?.includes('/') ? object.apiVersion.split('/')[0] : '';
  return `${kind}${group ? `.${group}` : ''}/${object.metadata?.name ?? ''}`;
}

// --- jsonpath (kubectl's subset: fields, [n], [*], ['key'], range/end, quoted literals) ---

type Node = { text: string } | { path: string } | { range: string; body: Node[] };

function parseTemplate(template: string): Node[] {
  const tokens: ({ text: string } | { expr: string })[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      tokens.push({ text: template.slice(i) });
      break;
    }
    if (open > i) tokens.push({ text: template.slice(i, open) });
    const close = template.indexOf('}', open);
    if (close < 0) throw new Error(`unclosed action in jsonpath template ${JSON.stringify(template)}`);
    tokens.push({ expr: template.slice(open + 1, close).trim() });
    i = close + 1;
  }
  let at = 0;
  const parse = (inRange: boolean): Node[] => {
    const nodes: Node[] = [];
    while (at < tokens.length) {
      const t = tokens[at++];
      if ('text' in t) nodes.push({ text: t.text });
      else if (t.expr === 'end') {
        if (!inRange) throw new Error('jsonpath: {end} without {range}');
        return nodes;
      } else if (t.expr.startsWith('range ')) nodes.push({ range: t.expr.slice(6).trim(), body: parse(true) });
      else if (/^".*"$/s.test(t.expr) || /^'.*'$/s.test(t.expr))
        nodes.push({ text: t.expr.slice(1, -1).replace(/\\n/g, '\n').replace(/\\t/g, '\t') });
      else nodes.push({ path: t.expr });
    }
    if (inRange) throw new Error('jsonpath: {range} without {end}');
    return nodes;
  };
  return parse(false);
}

function evaluate(path: string, root: unknown, current: unknown): unknown[] {
  let p = path.trim();
  let values: unknown[];
  if (p.startsWith('$')) {
    values = [root];
    p = p.slice(1);
  } else if (p.startsWith('@')) {
    values = [current];
    p = p.slice(1);
  } else values = [current];
  const re = /\.\.?([A-Za-z0-9_\-\\/]+|\*)|\[(\*|-?\d+|'[^']*'|"[^"]*")\]|\.(?=\[)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(p))) {
    if (m.index !== consumed) throw new Error(`jsonpath: cannot parse ${JSON.stringify(path)}`);
    consumed = re.lastIndex;
    const key = m[1] ?? m[2];
    if (key === undefined) continue;
    const next: unknown[] = [];
    for (const v of values) {
      if (v === null || typeof v !== 'object') continue;
      if (key === '*') next.push(...(Array.isArray(v) ? v : Object.values(v)));
      else if (/^-?\d+$/.test(key) && Array.isArray(v)) {
        const n = Number(key);
        const item = v[n < 0 ? v.length + n : n];
        if (item !== undefined) next.push(item);
      } else {
        const k = key.replace(/^['"]|['"]$/g, '').replace(/\\\./g, '.');
        const item = (v as Record<string, unknown>)[k];
        if (item !== undefined) next.push(item);
      }
    }
    values = next;
  }
  if (consumed !== p.length) throw new Error(`jsonpath: cannot parse ${JSON.stringify(path)}`);
  return values;
}

const show = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

export function jsonpath(template: string, data: unknown): string {
  const nodes = parseTemplate(template);
  const render = (list: Node[], current: unknown): string =>
    list
      .map((n) => {
        if ('text' in n) return n.text;
        if ('path' in n) return evaluate(n.path, data, current).map(show).join(' ');
        return evaluate(n.range, data, current)
          .map((item) => render(n.body, item))
          .join('');
      })
      .join('');
  return render(nodes, data);
}
