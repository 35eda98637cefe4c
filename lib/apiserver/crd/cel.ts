// x-kubernetes-validations: CEL rules on schema nodes, evaluated with @bufbuild/cel the way kube-apiserver's
// apiextensions CEL validator evaluates them (k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel).
//
// - `self` is the value at the rule's node, typed by the schema: integers become BigInt (CEL int), numbers stay
//   doubles, date/date-time strings become timestamps, duration strings durations, byte strings bytes; property
//   names are escaped as Kubernetes escapes them (`foo-bar` → `foo__dash__bar`, `namespace` → `__namespace__`).
// - Rules using `oldSelf` (transition rules) run only on update, where the old value correlates: object properties
//   and map values by key, items of `x-kubernetes-list-type: map` lists by their keys — nothing else.
// - Programs are parsed and planned once per schema node (a WeakMap keyed by the node), so a create only evaluates.
//
// @bufbuild/cel evaluates without a type checker, so what kube-apiserver reports when the CRD is written (an
// undeclared field, a non-bool rule) shows up here when a rule runs; see validate-crd.ts for what is checked early.

import {
  CelScalar,
  celEnv,
  celFunc,
  celMethod,
  isCelError,
  isCelList,
  isCelMap,
  listType,
  parse,
  plan,
  type CelInput,
  type CelResult,
  type CelValue,
} from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { StatusCause } from '../../apimachinery/errors.ts';
import { causeForReason, invalid } from './field-errors.ts';
import { compileRe2 } from './regex.ts';
import {
  additionalOf,
  child,
  embedded,
  index,
  isObject,
  itemsOf,
  key,
  type JsonObject,
  type Schema,
  type ValidationRule,
} from './types.ts';

type Program = (bindings?: Record<string, CelInput>) => CelResult;

// ---- The Kubernetes CEL libraries this server provides, beyond CEL's standard functions and the strings ext ----

/** CEL equality for the values lists hold (int and double compare numerically, as CEL's heterogeneous equality). */
function celEquals(a: CelValue, b: CelValue): boolean {
  if (a === b) return true;
  if (typeof a === 'bigint' && typeof b === 'number') return Number(a) === b;
  if (typeof a === 'number' && typeof b === 'bigint') return a === Number(b);
  if (isCelList(a) && isCelList(b)) {
    if (a.size !== b.size) return false;
    for (let i = 0; i < a.size; i++) if (!celEquals(a.get(i) as CelValue, b.get(i) as CelValue)) return false;
    return true;
  }
  if (isCelMap(a) && isCelMap(b)) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      const other = b.get(k);
      if (other === undefined || !celEquals(v, other)) return false;
    }
    return true;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  return false;
}

/** Ordering for lists.min/max/isSorted: numbers (int and double together), strings, booleans. */
function celCompare(a: CelValue, b: CelValue): number {
  const numeric = (v: CelValue) => typeof v === 'bigint' || typeof v === 'number';
  if (numeric(a) && numeric(b)) {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    const [x, y] = [Number(a), Number(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw new Error('no such overload');
}

const DYN_LIST = listType(CelScalar.DYN);

function extreme(list: Iterable<CelValue>, sign: number): CelValue {
  let best: CelValue | undefined;
  for (const v of list) if (best === undefined || celCompare(v, best) * sign > 0) best = v;
  if (best === undefined) throw new Error(`${sign > 0 ? 'max' : 'min'}(list) argument must not be empty`);
  return best;
}

/** What `sets.*` and `indexOf` need: the first index of a value in a list, by CEL equality. */
function position(list: Iterable<CelValue>, x: CelValue, last: boolean): bigint {
  let i = 0;
  let found = -1;
  for (const v of list) {
    if (celEquals(v, x)) {
      found = i;
      if (!last) break;
    }
    i++;
  }
  return BigInt(found);
}

/** Every match of an RE2 pattern in a string (regex library's findAll). */
function matchesOf(s: string, pattern: string): string[] {
  const re = compileRe2(pattern);
  return [...s.matchAll(new RegExp(re.source, `${re.flags}g`))].map((m) => m[0]);
}

// Kubernetes' lists library (k8s.io/apiserver/pkg/cel/library/lists.go), regex library (find/findAll) and the
// cel-go sets extension. Results are CEL values passed back unchanged, which the DYN signatures accept.
const KUBERNETES_LIBRARY = [
  celMethod('isSorted', DYN_LIST, [], CelScalar.BOOL, function () {
    let prev: CelValue | undefined;
    for (const v of this) {
      if (prev !== undefined && celCompare(prev, v) > 0) return false;
      prev = v;
    }
    return true;
  }),
  celMethod('sum', DYN_LIST, [], CelScalar.DYN, function () {
    let int = 0n;
    let dbl = 0;
    let sawDouble = false;
    for (const v of this) {
      if (typeof v === 'bigint') int += v;
      else if (typeof v === 'number') {
        dbl += v;
        sawDouble = true;
      } else throw new Error('no such overload');
    }
    return sawDouble ? dbl + Number(int) : int;
  }),
  celMethod('min', DYN_LIST, [], CelScalar.DYN, function () {
    return extreme(this, -1) as CelInput;
  }),
  celMethod('max', DYN_LIST, [], CelScalar.DYN, function () {
    return extreme(this, 1) as CelInput;
  }),
  celMethod('indexOf', DYN_LIST, [CelScalar.DYN], CelScalar.INT, function (x) {
    return position(this, x, false);
  }),
  celMethod('lastIndexOf', DYN_LIST, [CelScalar.DYN], CelScalar.INT, function (x) {
    return position(this, x, true);
  }),
  celMethod('find', CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (re) {
    return compileRe2(re).exec(this)?.[0] ?? '';
  }),
  celMethod('findAll', CelScalar.STRING, [CelScalar.STRING], DYN_LIST, function (re) {
    return matchesOf(this, re);
  }),
  celMethod('findAll', CelScalar.STRING, [CelScalar.STRING, CelScalar.INT], DYN_LIST, function (re, limit) {
    const all = matchesOf(this, re);
    return limit < 0n ? all : all.slice(0, Number(limit));
  }),
  celFunc('sets.contains', [DYN_LIST, DYN_LIST], CelScalar.BOOL, (a, b) => {
    for (const x of b) if (position(a, x, false) < 0n) return false;
    return true;
  }),
  celFunc('sets.equivalent', [DYN_LIST, DYN_LIST], CelScalar.BOOL, (a, b) => {
    for (const x of b) if (position(a, x, false) < 0n) return false;
    for (const x of a) if (position(b, x, false) < 0n) return false;
    return true;
  }),
  celFunc('sets.intersects', [DYN_LIST, DYN_LIST], CelScalar.BOOL, (a, b) => {
    for (const x of b) if (position(a, x, false) >= 0n) return true;
    return false;
  }),
];

const ENV = celEnv({ funcs: [...strings, ...KUBERNETES_LIBRARY] });

/** Parses a CEL expression; returns the parse error's text (as kube-apiserver words it) or undefined. */
export function celSyntaxError(expr: string): string | undefined {
  try {
    parse(expr);
    return undefined;
  } catch (err) {
    return `ERROR: ${(err as Error).message}`;
  }
}

/** Whether an expression refers to `oldSelf` (string literals excluded), i.e. whether it is a transition rule. */
export function usesOldSelf(expr: string): boolean {
  const code = expr.replace(/"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'/g, '""');
  return /(^|[^\w.])oldSelf\b/.test(code);
}

// ---- Programs, compiled once per schema node ----

interface CompiledRule {
  rule: ValidationRule;
  program?: Program;
  /** Why the rule could not be compiled; reported on evaluation (validate-crd.ts rejects such CRDs up front). */
  error?: string;
  message?: Program;
  transition: boolean;
}

const COMPILED = new WeakMap<Schema, CompiledRule[]>();

function compile(expr: string): Program {
  return plan(ENV, parse(expr));
}

function compiledRules(s: Schema): CompiledRule[] {
  let rules = COMPILED.get(s);
  if (!rules) {
    rules = (s['x-kubernetes-validations'] ?? []).map((rule): CompiledRule => {
      const out: CompiledRule = { rule, transition: usesOldSelf(rule.rule) };
      try {
        out.program = compile(rule.rule);
      } catch (err) {
        out.error = `compilation failed: ERROR: ${(err as Error).message}`;
      }
      if (rule.messageExpression?.trim()) {
        try {
          out.message = compile(rule.messageExpression);
        } catch {
          // Rejected when the CRD is validated; at run time the static message is used instead.
        }
      }
      return out;
    });
    COMPILED.set(s, rules);
  }
  return rules;
}

// ---- JSON → CEL values ----

const RESERVED = new Set([
  ...'true false null in as break const continue else for function if import let loop'.split(' '),
  ...'package namespace return var void while'.split(' '),
]);
const ESCAPES: Record<string, string> = { __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' };

/** Kubernetes' CEL property-name escaping; undefined for a name CEL cannot address (it is left out of `self`). */
export function escapeCelName(name: string): string | undefined {
  if (!name || /^[0-9]/.test(name)) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
  if (/[^a-zA-Z0-9_./-]/.test(name)) return undefined;
  return name.replace(/__|[./-]/g, (m) => ESCAPES[m]);
}

// Timestamps and durations are protobuf messages in @bufbuild/cel; the library's own conversion functions build
// them, which keeps this module off @bufbuild/protobuf (not a direct dependency of the project).
const TO_TIMESTAMP = compile('timestamp(v)');
const TO_DURATION = compile('duration(v)');

function converted(program: Program, v: string, fallback: () => string | undefined): CelInput {
  const out = program({ v });
  if (!isCelError(out)) return out as CelInput;
  const retry = fallback();
  if (retry !== undefined) {
    const again = program({ v: retry });
    if (!isCelError(again)) return again as CelInput;
  }
  return v;
}

function stringToCel(v: string, format: string | undefined): CelInput {
  switch (format?.replaceAll('-', '')) {
    case 'datetime':
      return converted(TO_TIMESTAMP, v, () => (Number.isNaN(Date.parse(v)) ? undefined : new Date(v).toISOString()));
    case 'date':
      return converted(TO_TIMESTAMP, `${v}T00:00:00Z`, () => undefined);
    case 'duration':
      return converted(TO_DURATION, v, () => undefined);
    case 'byte':
      return Uint8Array.from(Buffer.from(v, 'base64'));
    default:
      return v;
  }
}

/** A value of unknown schema (x-kubernetes-preserve-unknown-fields without a type): JSON's own types. */
function dynToCel(v: unknown): CelInput {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(dynToCel);
  if (isObject(v)) return new Map(Object.entries(v).map(([k, x]) => [k, dynToCel(x)]));
  return null;
}

/** The JSON value at a schema node as CEL sees it. `resource` marks a resource root (top level or embedded). */
export function toCel(v: unknown, s: Schema | undefined, resource = false): CelInput {
  if (v === null || v === undefined) return null;
  if (!s || (!s.type && !s['x-kubernetes-int-or-string'])) return dynToCel(v);
  if (s['x-kubernetes-int-or-string']) return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : dynToCel(v);
  switch (s.type) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : dynToCel(v);
    case 'number':
      return typeof v === 'number' ? v : dynToCel(v);
    case 'string':
      return typeof v === 'string' ? stringToCel(v, s.format) : dynToCel(v);
    case 'boolean':
      return typeof v === 'boolean' ? v : dynToCel(v);
    case 'array': {
      const items = itemsOf(s);
      return Array.isArray(v) ? v.map((x) => toCel(x, items)) : dynToCel(v);
    }
    default:
      return isObject(v) ? objectToCel(v, s, resource || embedded(s)) : dynToCel(v);
  }
}

// Only the declared properties are visible: under x-kubernetes-preserve-unknown-fields the unknown fields are not
// accessible from CEL, as upstream declares the object type from the schema alone.
function objectToCel(v: JsonObject, s: Schema, resource: boolean): CelInput {
  const out = new Map<string, CelInput>();
  const extra = additionalOf(s);
  if (extra) {
    // A map: keys are data, not field names, so they are not escaped.
    for (const [k, x] of Object.entries(v)) out.set(k, toCel(x, extra));
    return out;
  }
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (!Object.hasOwn(v, k)) continue;
    const name = escapeCelName(k);
    if (name !== undefined) out.set(name, toCel(v[k], prop));
  }
  if (resource) {
    // A resource exposes apiVersion, kind and, of its metadata, only name and generateName (as upstream does).
    for (const k of ['apiVersion', 'kind']) if (typeof v[k] === 'string') out.set(k, v[k] as string);
    if (isObject(v.metadata)) {
      const meta = new Map<string, CelInput>();
      for (const k of ['name', 'generateName'])
        if (typeof v.metadata[k] === 'string') meta.set(k, v.metadata[k] as string);
      out.set('metadata', meta);
    }
  }
  return out;
}

// ---- Evaluation ----

/** Kubernetes words some runtime errors differently from @bufbuild/cel; this keeps the upstream wording. */
function runtimeErrorText(message: string, rule: string): string {
  if (message.startsWith('found no matching overload') || message === 'no such overload') {
    const what = 'call arguments did not match a supported operator, function or macro signature';
    return `'no such overload': ${what} for rule: ${rule}`;
  }
  const missing = /^field not found: (.*)$/.exec(message);
  return `${missing ? `no such key: ${missing[1]}` : message} evaluating rule: ${rule}`;
}

/** `fieldPath` of a rule → where its failure is reported (`.spec.x` → `<node>.spec.x`, `['a.b']` → `<node>.a.b`). */
export function resolveRuleFieldPath(base: string, fieldPath: string, s: Schema): string | undefined {
  let node: Schema | undefined = s;
  let path = base;
  const re = /^(?:\.([A-Za-z_][\w-]*)|\['((?:\\.|[^'\\])*)'\]|\[(\d+)\])/;
  let rest = fieldPath.trim();
  if (!rest) return undefined;
  while (rest) {
    const m = re.exec(rest);
    if (!m || !node) return undefined;
    rest = rest.slice(m[0].length);
    if (m[3] !== undefined) {
      node = itemsOf(node);
      path = index(path, Number(m[3]));
      continue;
    }
    const name = m[1] ?? m[2].replace(/\\(.)/g, '$1');
    if (node.properties && Object.hasOwn(node.properties, name)) {
      node = node.properties[name];
      path = child(path, name);
    } else if (additionalOf(node)) {
      node = additionalOf(node);
      path = key(path, name);
    } else return undefined;
  }
  return path;
}

function evaluateRules(s: Schema, value: unknown, old: unknown, path: string, resource: boolean, out: StatusCause[]) {
  const rules = compiledRules(s);
  if (!rules.length) return;
  let self: CelInput | undefined;
  let oldSelf: CelInput | undefined;
  const type = s.type ?? '';
  for (const compiled of rules) {
    const { rule } = compiled;
    const ruleText = (rule.message?.trim() || rule.rule).trim();
    if (compiled.transition && old === undefined) continue; // transition rules do not run on create
    if (!compiled.program) {
      out.push(invalid(path, type, compiled.error ?? 'compilation failed'));
      continue;
    }
    self ??= toCel(value, s, resource);
    const bindings: Record<string, CelInput> = { self };
    if (compiled.transition) bindings.oldSelf = oldSelf ??= toCel(old, s, resource);
    const result = compiled.program(bindings);
    if (isCelError(result)) {
      out.push(invalid(path, type, runtimeErrorText(result.message, ruleText)));
      continue;
    }
    if (typeof result !== 'boolean') {
      out.push(invalid(path, type, `cel expression must evaluate to a bool, evaluating rule: ${ruleText}`));
      continue;
    }
    if (result) continue;
    const at = rule.fieldPath ? (resolveRuleFieldPath(path, rule.fieldPath, s) ?? path) : path;
    const fallback = rule.message?.trim() ? rule.message.trim() : `failed rule: ${rule.rule.trim()}`;
    let detail = fallback;
    if (compiled.message) {
      const msg = compiled.message(bindings);
      if (!isCelError(msg)) {
        if (typeof msg !== 'string') {
          out.push(invalid(path, type, 'messageExpression failed to convert to string'));
          continue;
        }
        const trimmed = msg.trim();
        if (!trimmed || /[\n\r]/.test(trimmed)) {
          const why = trimmed ? 'should not contain line breaks' : 'should evaluate to a non-empty string';
          out.push(invalid(path, type, `messageExpression ${why}`));
          continue;
        }
        detail = trimmed;
      }
      // A messageExpression that fails at run time falls back to message, as upstream does.
    }
    out.push(causeForReason(rule.reason, at, type, detail));
  }
}

/** The old item a new item of a list-type=map list correlates with: the one with equal key values. */
function correlatedItem(oldList: unknown, item: unknown, keys: string[]): unknown {
  if (!Array.isArray(oldList) || !isObject(item)) return undefined;
  return oldList.find((o) => isObject(o) && keys.every((k) => o[k] === item[k]));
}

function walk(s: Schema, value: unknown, old: unknown, path: string, resource: boolean, out: StatusCause[]) {
  if (value === null || value === undefined) return; // rules do not run on a null (nullable) value
  evaluateRules(s, value, old, path, resource, out);
  if (Array.isArray(value)) {
    const items = itemsOf(s);
    if (!items) return;
    const keys = s['x-kubernetes-list-type'] === 'map' ? (s['x-kubernetes-list-map-keys'] ?? []) : undefined;
    value.forEach((item, i) => {
      const before = keys && old !== undefined ? correlatedItem(old, item, keys) : undefined;
      walk(items, item, before, index(path, i), false, out);
    });
    return;
  }
  if (!isObject(value)) return;
  const before = isObject(old) ? old : undefined;
  const extra = additionalOf(s);
  // An atomic map is replaced as a whole, so its values do not correlate with the old ones.
  const correlates = s['x-kubernetes-map-type'] !== 'atomic';
  for (const [k, v] of Object.entries(value)) {
    if (resource && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) continue;
    const prev = correlates ? before?.[k] : undefined;
    const prop = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
    if (prop) walk(prop, v, prev, child(path, k), embedded(prop), out);
    else if (extra) walk(extra, v, prev, key(path, k), embedded(extra), out);
  }
}

function hasRules(s: Schema | undefined, seen = new WeakMap<Schema, boolean>()): boolean {
  if (!s) return false;
  const known = seen.get(s);
  if (known !== undefined) return known;
  const result =
    !!s['x-kubernetes-validations']?.length ||
    Object.values(s.properties ?? {}).some((p) => hasRules(p, seen)) ||
    hasRules(itemsOf(s), seen) ||
    hasRules(additionalOf(s), seen);
  seen.set(s, result);
  return result;
}

const HAS_RULES = new WeakMap<Schema, boolean>();

/** Whether any node of a schema carries x-kubernetes-validations (upstream builds no CEL validator otherwise). */
export function hasCelRules(s: Schema): boolean {
  let has = HAS_RULES.get(s);
  if (has === undefined) HAS_RULES.set(s, (has = hasRules(s)));
  return has;
}

/**
 * Evaluates every x-kubernetes-validations rule of a schema against a value (and, on update, its old value).
 * `path` is where the value sits (empty for a custom resource); `resource` marks a resource root.
 */
export function celValidate(value: unknown, s: Schema, old: unknown, path = '', resource = true): StatusCause[] {
  if (!hasCelRules(s)) return [];
  const out: StatusCause[] = [];
  walk(s, value, old, path, resource, out);
  return out;
}
