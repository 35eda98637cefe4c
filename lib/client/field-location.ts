import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';

// Where a field a Status cause names sits in a YAML text (pure: the editors and their tests use it).

/**
 * A Status cause's field path (`spec.replicas`, `spec.items[0].name`, `metadata.labels[app]`) as YAML path
 * segments: numbers index sequences, strings name map keys.
 */
export function fieldSegments(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  let current = '';
  let i = field.startsWith('.') ? 1 : 0;
  const flush = () => {
    if (current) out.push(current);
    current = '';
  };
  for (; i < field.length; i++) {
    const c = field[i];
    if (c === '.') flush();
    else if (c === '[') {
      flush();
      const end = field.indexOf(']', i);
      if (end < 0) {
        current = field.slice(i + 1);
        break;
      }
      const inner = field.slice(i + 1, end).replace(/^(['"])(.*)\1$/, '$2');
      out.push(/^\d+$/.test(inner) ? Number(inner) : inner);
      i = end;
    } else current += c;
  }
  flush();
  return out;
}

/** Where a field is in a YAML text: the line (1-based) and offsets of its key (or of the nearest ancestor present). */
export interface FieldLocation {
  line: number;
  start: number;
  end: number;
  /** False when the field itself is absent (a required value) and its closest ancestor is given. */
  exact: boolean;
}

export function locateField(text: string, field: string): FieldLocation | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length) return undefined;
  let node: unknown = doc.contents;
  let found: { start: number; end: number } | undefined;
  let exact = true;
  for (const segment of fieldSegments(field)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
      const range = (pair?.key as YamlNode | undefined)?.range;
      if (!pair || !range) {
        exact = false;
        break;
      }
      found = { start: range[0], end: range[1] };
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as YamlNode | undefined;
      if (!item?.range) {
        exact = false;
        break;
      }
      found = { start: item.range[0], end: item.range[1] };
      node = item;
    } else {
      exact = false;
      break;
    }
  }
  if (!found) return undefined;
  return { line: lineCounter.linePos(found.start).line, start: found.start, end: found.end, exact };
}
