import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { isOpen, kindSchema, resolve, typeProblem, type OpenApiDoc, type Schema, type YamlPath } from './schema.ts';

// What the editor marks before anything is sent: YAML that does not parse, fields the kind's schema does not
// declare (the server refuses them under fieldValidation=Strict) and values of the wrong type, each at its text.

export interface Finding {
  from: number;
  to: number;
  severity: 'error' | 'warning';
  message: string;
  /** The field's path, `spec.replicaz`, when the finding is about one. */
  field?: string;
}

/** `spec.template.spec.containers[0].image`, as the API's Status causes name fields. */
export function fieldName(path: YamlPath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** The apiVersion and kind a YAML text declares (read even when the rest does not parse). */
export function declaredKind(text: string): { apiVersion: string; kind: string } | undefined {
  const apiVersion = /^apiVersion:\s*["']?([^\s"'#]+)/m.exec(text)?.[1];
  const kind = /^kind:\s*["']?([^\s"'#]+)/m.exec(text)?.[1];
  return apiVersion && kind ? { apiVersion, kind } : undefined;
}

function walk(doc: OpenApiDoc, node: unknown, schema: Schema | undefined, path: YamlPath, out: Finding[]) {
  const s = resolve(doc, schema);
  if (!s || !node) return;
  const range = (node as YamlNode).range;
  if (isMap(node)) {
    if (s.type && s.type !== 'object' && range)
      out.push({
        from: range[0],
        to: range[1],
        severity: 'error',
        message: `${fieldName(path) || 'The object'}: expected ${s.type === 'array' ? 'a list' : s.type}, got an object`,
        field: fieldName(path),
      });
    if (s.type !== 'object' && s.type !== undefined) return;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      const keyRange = (pair.key as YamlNode).range;
      const child =
        s.properties && Object.hasOwn(s.properties, key)
          ? s.properties[key]
          : typeof s.additionalProperties === 'object'
            ? s.additionalProperties
            : undefined;
      if (!child) {
        if (!isOpen(s) && s.additionalProperties !== true && keyRange)
          out.push({
            from: keyRange[0],
            to: keyRange[1],
            severity: 'error',
            message: `unknown field "${fieldName([...path, key])}"`,
            field: fieldName([...path, key]),
          });
        continue;
      }
      walk(doc, pair.value, child, [...path, key], out);
    }
  } else if (isSeq(node)) {
    if (s.type && s.type !== 'array' && range)
      out.push({
        from: range[0],
        to: range[1],
        severity: 'error',
        message: `${fieldName(path)}: expected ${s.type}, got a list`,
        field: fieldName(path),
      });
    if (s.type !== 'array') return;
    node.items.forEach((item, i) => walk(doc, item, s.items, [...path, i], out));
  } else if (isScalar(node) && range) {
    const value = node.value;
    const problem = typeProblem(s, value);
    if (problem)
      out.push({
        from: range[0],
        to: range[1],
        severity: 'error',
        message: `${fieldName(path)}: ${problem}`,
        field: fieldName(path),
      });
  }
}

/** Findings for a YAML text against the served schemas (`doc` is the text's group-version document). */
export function lintYaml(text: string, doc: OpenApiDoc | undefined): Finding[] {
  const parsed = parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: true });
  const out: Finding[] = parsed.errors.map((e) => ({
    from: e.pos[0],
    to: Math.max(e.pos[1], e.pos[0] + 1),
    severity: 'error' as const,
    message: e.message.split('\n')[0],
  }));
  if (out.length || !doc) return out;
  const declared = declaredKind(text);
  const root = declared && kindSchema(doc, declared.apiVersion, declared.kind);
  if (root) walk(doc, parsed.contents, root, [], out);
  return out;
}
