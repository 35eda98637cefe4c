// The JSONPath subset of client-go's jsonpath package that CRD printer columns use (kube-apiserver evaluates
// `{<jsonPath>}` with it): `.field`, `['field']`, `[0]`, `[-1]`, `[1:3]`, `[*]`, `.*`, `..field`, unions
// `[0,2]` / `['a','b']` and filters `[?(@.type=="Ready")]` (==, !=, <, <=, >, >=, or bare existence).

import { isObject } from './types.ts';

type Literal = string | number | boolean | null;

type Step =
  | { kind: 'field'; names: string[] }
  | { kind: 'wildcard' }
  | { kind: 'recursive'; name?: string }
  | { kind: 'index'; indices: number[] }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'filter'; left: Step[]; op?: string; right?: { literal: Literal } | { path: Step[] } };

export class JsonPathError extends Error {}

const NAME_END = /[.[\s()=!<>]/;

class Parser {
  i = 0;
  constructor(readonly src: string) {}

  fail(what: string): never {
    throw new JsonPathError(`${what} at position ${this.i} of ${JSON.stringify(this.src)}`);
  }

  name(): string {
    let out = '';
    while (this.i < this.src.length && !NAME_END.test(this.src[this.i])) {
      if (this.src[this.i] === '\\' && this.i + 1 < this.src.length) this.i += 1; // `\.` escapes a dot in a key
      out += this.src[this.i];
      this.i += 1;
    }
    return out;
  }

  quoted(): string {
    const quote = this.src[this.i];
    let out = '';
    this.i += 1;
    while (this.i < this.src.length && this.src[this.i] !== quote) {
      if (this.src[this.i] === '\\') this.i += 1;
      out += this.src[this.i];
      this.i += 1;
    }
    if (this.src[this.i] !== quote) this.fail('unterminated string');
    this.i += 1;
    return out;
  }

  skipSpace() {
    while (this.src[this.i] === ' ') this.i += 1;
  }

  /** Steps until the end of the input or a character that ends a filter operand. */
  steps(stopAt = ''): Step[] {
    const out: Step[] = [];
    while (this.i < this.src.length && !stopAt.includes(this.src[this.i])) {
      const c = this.src[this.i];
      if (c === '.') {
        this.i += 1;
        if (this.src[this.i] === '.') {
          this.i += 1;
          if (this.src[this.i] === '[') {
            out.push({ kind: 'recursive' });
            continue;
          }
          const name = this.src[this.i] === '*' ? (this.i++, undefined) : this.name();
          out.push({ kind: 'recursive', name });
        } else if (this.src[this.i] === '*') {
          this.i += 1;
          out.push({ kind: 'wildcard' });
        } else {
          const name = this.name();
          if (name) out.push({ kind: 'field', names: [name] });
        }
      } else if (c === '[') out.push(this.bracket());
      else this.fail(`unexpected ${JSON.stringify(c)}`);
    }
    return out;
  }

  bracket(): Step {
    this.i += 1;
    this.skipSpace();
    const c = this.src[this.i];
    let step: Step;
    if (c === '*') {
      this.i += 1;
      step = { kind: 'wildcard' };
    } else if (c === '?') step = this.filter();
    else if (c === "'" || c === '"') {
      const names = [this.quoted()];
      for (this.skipSpace(); this.src[this.i] === ','; this.skipSpace()) {
        this.i += 1;
        this.skipSpace();
        names.push(this.quoted());
      }
      step = { kind: 'field', names };
    } else {
      const body = this.src.slice(this.i, this.src.indexOf(']', this.i));
      if (!/^[-\d:, ]*$/.test(body) || !body.trim()) this.fail('invalid array index');
      this.i += body.length;
      if (body.includes(':')) {
        const [start, end, stride] = body.split(':').map((p) => (p.trim() ? Number(p) : undefined));
        step = { kind: 'slice', start, end, step: stride };
      } else step = { kind: 'index', indices: body.split(',').map((p) => Number(p)) };
    }
    this.skipSpace();
    if (this.src[this.i] !== ']') this.fail('expected ]');
    this.i += 1;
    return step;
  }

  filter(): Step {
    this.i += 1;
    if (this.src[this.i] !== '(') this.fail('expected ( after ?');
    this.i += 1;
    this.skipSpace();
    const left = this.operand();
    this.skipSpace();
    const op = /^(==|!=|<=|>=|<|>)/.exec(this.src.slice(this.i))?.[0];
    let right: { literal: Literal } | { path: Step[] } | undefined;
    if (op) {
      this.i += op.length;
      this.skipSpace();
      right = this.src[this.i] === '@' ? { path: this.operand() } : { literal: this.literal() };
      this.skipSpace();
    }
    if (this.src[this.i] !== ')') this.fail('expected )');
    this.i += 1;
    return { kind: 'filter', left, op, right };
  }

  operand(): Step[] {
    if (this.src[this.i] !== '@') this.fail('expected @');
    this.i += 1;
    return this.steps(' )=!<>');
  }

  literal(): Literal {
    const c = this.src[this.i];
    if (c === "'" || c === '"') return this.quoted();
    const m = /^(-?\d+(\.\d+)?|true|false|null)/.exec(this.src.slice(this.i));
    if (!m) this.fail('invalid filter literal');
    this.i += m[0].length;
    return m[0] === 'true' ? true : m[0] === 'false' ? false : m[0] === 'null' ? null : Number(m[0]);
  }
}

// Parsed paths by source: printer columns are evaluated for every row of every table.
const PARSED = new Map<string, Step[]>();

/** Parses a JSONPath (without client-go's surrounding braces); throws {@link JsonPathError}. */
export function parseJsonPath(path: string): Step[] {
  let steps = PARSED.get(path);
  if (!steps) {
    const p = new Parser(path.trim());
    steps = p.steps();
    if (PARSED.size >= 4096) PARSED.clear();
    PARSED.set(path, steps);
  }
  return steps;
}

function descendants(v: unknown, out: unknown[]) {
  const kids = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
  for (const k of kids) {
    out.push(k);
    descendants(k, out);
  }
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    default:
      if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
      return op === '<'
        ? (a as number) < (b as number)
        : op === '<='
          ? (a as number) <= (b as number)
          : op === '>'
            ? (a as number) > (b as number)
            : (a as number) >= (b as number);
  }
}

function apply(step: Step, values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (step.kind) {
      case 'field':
        if (isObject(v)) for (const n of step.names) if (Object.hasOwn(v, n)) out.push(v[n]);
        break;
      case 'wildcard':
        if (Array.isArray(v)) out.push(...v);
        else if (isObject(v)) out.push(...Object.values(v));
        break;
      case 'recursive': {
        const all: unknown[] = [v];
        descendants(v, all);
        if (step.name === undefined) out.push(...all.slice(1));
        else for (const x of all) if (isObject(x) && Object.hasOwn(x, step.name)) out.push(x[step.name]);
        break;
      }
      case 'index':
        if (Array.isArray(v))
          for (const i of step.indices) {
            const at = i < 0 ? v.length + i : i;
            if (at >= 0 && at < v.length) out.push(v[at]);
          }
        break;
      case 'slice':
        if (Array.isArray(v)) {
          const norm = (n: number | undefined, dflt: number) =>
            n === undefined ? dflt : Math.min(Math.max(n < 0 ? v.length + n : n, 0), v.length);
          const stride = step.step && step.step > 0 ? step.step : 1;
          for (let i = norm(step.start, 0); i < norm(step.end, v.length); i += stride) out.push(v[i]);
        }
        break;
      case 'filter':
        if (Array.isArray(v))
          for (const item of v) {
            const left = evaluate(step.left, item);
            if (!step.op || !step.right) {
              if (left.length) out.push(item);
              continue;
            }
            const right = 'path' in step.right ? evaluate(step.right.path, item) : [step.right.literal];
            if (left.length && right.length && compare(left[0], step.op, right[0])) out.push(item);
          }
        break;
    }
  }
  return out;
}

function evaluate(steps: Step[], root: unknown): unknown[] {
  let values = [root];
  for (const step of steps) values = apply(step, values);
  return values;
}

/** Every value a JSONPath selects in a JSON document, in document order. */
export function findJsonPath(root: unknown, path: string): unknown[] {
  return evaluate(parseJsonPath(path), root);
}
