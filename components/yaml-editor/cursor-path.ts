import type { YamlPath } from './schema.ts';

// Where the cursor is in a YAML text that is being typed, so usually not valid YAML: found from the lines' indents
// rather than a parse. Block-style YAML only (what the editor and kubectl write); a flow mapping's inside is not
// followed.

interface Token {
  col: number;
  dash: boolean;
  key?: string;
  /** The key has a value on its own line (so it is not a parent of what follows). */
  inline?: boolean;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s#'"\-:][^:#]*?|-[^\s:#][^:#]*?)\s*:(?=\s|$)/;

function unquote(key: string): string {
  if (key.startsWith('"')) {
    try {
      return JSON.parse(key) as string;
    } catch {
      return key.slice(1, -1);
    }
  }
  return key.startsWith("'") ? key.slice(1, -1).replace(/''/g, "'") : key;
}

/** A line's dashes and key, with their columns. */
function tokens(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ') i++;
    if (i >= line.length || line[i] === '#') return out;
    if (line[i] === '-' && (line[i + 1] === ' ' || i + 1 === line.length)) {
      out.push({ col: i, dash: true });
      i++;
      continue;
    }
    const m = KEY.exec(line.slice(i));
    if (!m) return out;
    const rest = line.slice(i + m[0].length).trim();
    out.push({
      col: i,
      dash: false,
      key: unquote(m[1]),
      inline: rest !== '' && !rest.startsWith('#') && !/^[|>]/.test(rest),
    });
    return out;
  }
}

/** The path of the mapping or sequence that holds what starts at `col` on `lineIndex` (walking up from there). */
function parentPath(lines: string[], lineIndex: number, start: Token[]): YamlPath {
  const path: YamlPath = [];
  let min = Number.POSITIVE_INFINITY;
  let minIsDash = false;
  const take = (t: Token) => {
    if (t.dash ? t.col < min : t.col < min || (minIsDash && t.col === min)) {
      if (t.dash) path.unshift(0);
      else if (!t.inline && t.key !== undefined) path.unshift(t.key);
      else return;
      min = t.col;
      minIsDash = t.dash;
    }
  };
  for (const t of [...start].reverse()) {
    if (t.dash) take(t);
    else min = Math.min(min, t.col);
  }
  for (let i = lineIndex - 1; i >= 0; i--) {
    const ts = tokens(lines[i]);
    for (const t of [...ts].reverse()) take(t);
    if (min === 0 && !minIsDash) break;
  }
  return path;
}

export type CursorContext =
  | { at: 'key'; path: YamlPath; prefix: string; from: number }
  | { at: 'value'; path: YamlPath; prefix: string; from: number };

/**
 * What the cursor at `pos` is on: a key being typed (`path` is the mapping that holds it) or the value of a key
 * (`path` is that key's). Undefined inside comments, block scalars' text and flow collections.
 */
export function cursorContext(text: string, pos: number): CursorContext | undefined {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  const before = text.slice(lineStart, pos);
  const lines = text.slice(0, lineStart).split('\n');
  lines.pop();
  if (before.includes('#') || /[[{]/.test(before)) return undefined;
  const valueMatch = /^((?:\s*-)*\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s#'"\-:][^:#]*?)\s*:\s+([^\s]*)$/.exec(before);
  if (valueMatch) {
    const head = tokens(before.slice(0, valueMatch[1].length));
    const key = unquote(valueMatch[2]);
    const col = valueMatch[1].length;
    const path = parentPath(lines, lines.length, [...head, { col, dash: false, key }]);
    return { at: 'value', path: [...path, key], prefix: valueMatch[3], from: pos - valueMatch[3].length };
  }
  const keyMatch = /^((?:\s*-)*\s*)([^\s#'":]*)$/.exec(before);
  if (keyMatch) {
    const head = tokens(keyMatch[1]);
    const col = keyMatch[1].length;
    const path = parentPath(lines, lines.length, [...head, { col, dash: false }]);
    return { at: 'key', path, prefix: keyMatch[2], from: pos - keyMatch[2].length };
  }
  return undefined;
}
