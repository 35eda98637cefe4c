// Field sets and the schema-aware walks of server-side apply, after sigs.k8s.io/structured-merge-diff (SMD):
// which fields a value sets (toFieldSet), what changed between two values (compare), how an applied configuration
// merges into a live object (merge), and how owned fields are taken out again (removeItems).
//
// A path element is kept in its FieldsV1 spelling so it can key a Map directly:
//   f:<name>        a struct field or map key          k:{"name":"nginx"}   an item of a `map` list (keys sorted)
//   v:<json value>  an item of a `set` list            i:<index>            an item by position (only for items that
//                                                                           have no key; atomic lists are leaves)
import { allSchemas, itemsOf, listStrategy, resolve, valuesOf, type SchemaObject } from './schema.ts';

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** The `fieldsV1` of a managedFields entry: nested path elements, `{}` for a leaf, `"."` for a node owned itself. */
export type FieldsV1 = { [key: string]: FieldsV1 };

export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

// Keys come from request bodies: "__proto__" must stay a plain property, as JSON.parse made it.
export function put(obj: JsonObject, key: string, value: Json): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

const own = (obj: JsonObject, key: string): Json | undefined => (Object.hasOwn(obj, key) ? obj[key] : undefined);

// ---------------------------------------------------------------------------------------------------------------
// Values: equality, canonical JSON and the total order SMD sorts path elements by.

export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(b).length) return false;
  for (const key of ak) if (!Object.hasOwn(b, key) || !jsonEqual(a[key], b[key])) return false;
  return true;
}

/** JSON with object keys sorted, so equal values have one spelling. */
export function canonicalJson(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isJsonObject(v)) {
    const keys = Object.keys(v).sort(compareStrings);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Go's strings.Compare (byte order of UTF-8, i.e. code point order), not UTF-16 order. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP character in code point order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

const valueRank = (v: Json): number =>
  typeof v === 'number'
    ? 0
    : typeof v === 'string'
      ? 1
      : typeof v === 'boolean'
        ? 2
        : Array.isArray(v)
          ? 3
          : v === null
            ? 5
            : 4;

/** SMD's value.Compare: numbers < strings < booleans < lists < maps < null. */
export function compareValues(a: Json, b: Json): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }
  if (isJsonObject(a) && isJsonObject(b)) return compareFieldLists(sortedEntries(a), sortedEntries(b));
  return 0;
}

const sortedEntries = (o: JsonObject): [string, Json][] =>
  Object.keys(o)
    .sort(compareStrings)
    .map((k) => [k, o[k]]);

function compareFieldLists(a: [string, Json][], b: [string, Json][]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareStrings(a[i][0], b[i][0]) || compareValues(a[i][1], b[i][1]);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

// ---------------------------------------------------------------------------------------------------------------
// Path elements.

/** Go's value.ToString, which Kubernetes uses to print paths in conflict messages. */
function valueToString(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueToString).join(',')}]`;
  return Object.keys(v)
    .map((k) => `${k}=${valueToString(v[k])}`)
    .join('');
}

/** One path element as Kubernetes prints it: `.name`, `[name="nginx"]`, `[="value"]`, `[3]`. */
export function elementString(pe: string): string {
  const rest = pe.slice(2);
  switch (pe[0]) {
    case 'f':
      return `.${rest}`;
    case 'k': {
      const key = JSON.parse(rest) as JsonObject;
      return `[${Object.keys(key)
        .map((k) => `${k}=${valueToString(key[k])}`)
        .join(',')}]`;
    }
    case 'v':
      return `[=${valueToString(JSON.parse(rest) as Json)}]`;
    default:
      return `[${rest}]`;
  }
}

/** A path as Kubernetes prints it: `.spec.template.spec.containers[name="nginx"].image`. */
export const pathString = (path: readonly string[]): string => path.map(elementString).join('');

const PE_RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** SMD's PathElement order: field names, then keys, then values, then indexes. */
function comparePathElements(a: SortKey, b: SortKey): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  switch (a.rank) {
    case 0:
      return compareStrings(a.pe, b.pe);
    case 1:
      return compareFieldLists(a.parsed as [string, Json][], b.parsed as [string, Json][]);
    case 2:
      return compareValues(a.parsed as Json, b.parsed as Json);
    default:
      return (a.parsed as number) - (b.parsed as number);
  }
}

interface SortKey {
  pe: string;
  rank: number;
  parsed: Json | [string, Json][] | number;
}

function sortKey(pe: string): SortKey {
  const rank = PE_RANK[pe[0]] ?? 3;
  const rest = pe.slice(2);
  if (rank === 1) {
    const key = JSON.parse(rest) as JsonObject;
    return { pe, rank, parsed: Object.keys(key).map((k) => [k, key[k]]) };
  }
  if (rank === 2) return { pe, rank, parsed: JSON.parse(rest) as Json };
  if (rank === 3) return { pe, rank, parsed: Number(rest) };
  return { pe, rank, parsed: null };
}

export function sortPathElements(pes: Iterable<string>): string[] {
  const list = [...pes];
  if (list.length < 2) return list;
  // Field names only (most nodes): their order is the names' order, with no parsing.
  if (list.every((pe) => pe.startsWith('f:'))) return list.sort(compareStrings);
  return list
    .map(sortKey)
    .sort(comparePathElements)
    .map((k) => k.pe);
}

/** Checks one FieldsV1 key and returns it in canonical spelling (key and value JSON re-serialised). */
function canonicalElement(key: string): string {
  const kind = key.slice(0, 2);
  const rest = key.slice(2);
  switch (kind) {
    case 'f:':
      return key;
    case 'k:': {
      const parsed: unknown = JSON.parse(rest);
      if (!isJsonObject(parsed) || Object.keys(parsed).length === 0) throw new Error(`invalid key element ${key}`);
      return `k:${canonicalJson(parsed)}`;
    }
    case 'v:':
      return `v:${canonicalJson(JSON.parse(rest) as Json)}`;
    case 'i:':
      if (!/^(0|[1-9][0-9]*)$/.test(rest)) throw new Error(`invalid index element ${key}`);
      return key;
    default:
      throw new Error(`invalid path element ${JSON.stringify(key)}: must start with f:, k:, v: or i:`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sets of paths (SMD's fieldpath.Set): a trie whose nodes list the elements that are members (owned themselves)
// and the elements that have owned descendants. Sets are built by the walks below and then treated as immutable:
// the operations return new sets that may share unchanged subtrees with their inputs. Invariant: no child set is
// empty (builders attach a child only once it has content).

export class PathSet {
  readonly members = new Set<string>();
  readonly children = new Map<string, PathSet>();

  /** Reads a FieldsV1 object; throws on a malformed one. */
  static fromFieldsV1(fields: unknown): PathSet {
    const set = new PathSet();
    if (!isJsonObject(fields)) throw new Error('fieldsV1 must be an object');
    for (const key of Object.keys(fields)) {
      if (key === '.') continue;
      const value = fields[key];
      if (!isJsonObject(value)) throw new Error(`fieldsV1 entry ${JSON.stringify(key)} must be an object`);
      const pe = canonicalElement(key);
      const keys = Object.keys(value);
      if (keys.length === 0 || Object.hasOwn(value, '.')) set.members.add(pe);
      if (keys.length > (Object.hasOwn(value, '.') ? 1 : 0)) {
        const child = PathSet.fromFieldsV1(value);
        const prev = set.children.get(pe);
        if (!child.empty()) set.children.set(pe, prev ? prev.union(child) : child);
      }
    }
    return set;
  }

  static of(...paths: (readonly string[])[]): PathSet {
    const set = new PathSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  /** FieldsV1 with elements in SMD's order (so equal sets serialise identically). */
  toFieldsV1(): FieldsV1 {
    return this.writeFieldsV1({});
  }

  /** Adds this set's elements to `out` (after what it holds, such as a node's "."). */
  private writeFieldsV1(out: FieldsV1): FieldsV1 {
    let keys: Iterable<string> = this.members;
    if (this.children.size) {
      const all = new Set<string>(this.members);
      for (const [pe, child] of this.children) if (!child.empty()) all.add(pe);
      keys = all;
    }
    for (const pe of sortPathElements(keys)) {
      const child = this.children.get(pe);
      if (child && !child.empty()) {
        const node: FieldsV1 = {};
        if (this.members.has(pe)) node['.'] = {};
        out[pe] = child.writeFieldsV1(node);
      } else out[pe] = {};
    }
    return out;
  }

  insert(path: readonly string[], from = 0): this {
    if (from === path.length - 1) this.members.add(path[from]);
    else if (from < path.length) this.child(path[from]).insert(path, from + 1);
    return this;
  }

  /** The child set for an element, created when missing (building only). */
  child(pe: string): PathSet {
    let c = this.children.get(pe);
    if (!c) this.children.set(pe, (c = new PathSet()));
    return c;
  }

  has(path: readonly string[], from = 0): boolean {
    if (from === path.length - 1) return this.members.has(path[from]);
    return from < path.length && (this.children.get(path[from])?.has(path, from + 1) ?? false);
  }

  /** Every way of building a set keeps its children non-empty, so a set is empty when its node is. */
  empty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  union(other: PathSet): PathSet {
    if (other.empty()) return this;
    if (this.empty()) return other;
    const out = new PathSet();
    for (const pe of this.members) out.members.add(pe);
    for (const pe of other.members) out.members.add(pe);
    for (const [pe, child] of this.children) {
      const o = other.children.get(pe);
      out.children.set(pe, o ? child.union(o) : child);
    }
    for (const [pe, child] of other.children) if (!this.children.has(pe)) out.children.set(pe, child);
    return out;
  }

  intersection(other: PathSet): PathSet {
    const out = new PathSet();
    for (const pe of this.members) if (other.members.has(pe)) out.members.add(pe);
    for (const [pe, child] of this.children) {
      const o = other.children.get(pe);
      if (!o) continue;
      const c = child.intersection(o);
      if (!c.empty()) out.children.set(pe, c);
    }
    return out;
  }

  /** Members of this set that are not members of `other` (a member of `other` does not remove descendants). */
  difference(other: PathSet): PathSet {
    if (other.empty()) return this;
    const out = new PathSet();
    for (const pe of this.members) if (!other.members.has(pe)) out.members.add(pe);
    for (const [pe, child] of this.children) {
      const o = other.children.get(pe);
      const c = o ? child.difference(o) : child;
      if (!c.empty()) out.children.set(pe, c);
    }
    return out;
  }

  /** Like difference, but a member of `other` also removes everything below it. */
  recursiveDifference(other: PathSet): PathSet {
    if (other.empty()) return this;
    const out = new PathSet();
    for (const pe of this.members) if (!other.members.has(pe)) out.members.add(pe);
    for (const [pe, child] of this.children) {
      if (other.members.has(pe)) continue;
      const o = other.children.get(pe);
      const c = o ? child.recursiveDifference(o) : child;
      if (!c.empty()) out.children.set(pe, c);
    }
    return out;
  }

  equals(other: PathSet): boolean {
    if (this === other) return true;
    if (this.members.size !== other.members.size) return false;
    for (const pe of this.members) if (!other.members.has(pe)) return false;
    const mine = [...this.children].filter(([, c]) => !c.empty());
    const theirs = [...other.children].filter(([, c]) => !c.empty());
    if (mine.length !== theirs.length) return false;
    for (const [pe, child] of mine) {
      const o = other.children.get(pe);
      if (!o || !child.equals(o)) return false;
    }
    return true;
  }

  /** Every member path, members of a node before its children's, each level in SMD order. */
  paths(prefix: readonly string[] = []): string[][] {
    const out: string[][] = [];
    for (const pe of sortPathElements(this.members)) out.push([...prefix, pe]);
    for (const pe of sortPathElements(this.children.keys())) {
      const child = this.children.get(pe);
      if (child) out.push(...child.paths([...prefix, pe]));
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Schema shapes: what the walks need to know about a node, derived from the OpenAPI schema the way kube-openapi's
// schemaconv builds SMD types. A missing schema is SMD's "deduced" type: objects are granular maps of their keys,
// lists are atomic, scalars are leaves.

interface ChildInfo {
  shape: Shape;
  /** A declared struct field (SMD: only owned itself when null or an empty object), not a map key. */
  named: boolean;
  /** Listed in the struct's `required`: a field Go serialises even when empty (no omitempty). */
  required?: boolean;
}

interface ObjShape {
  atomic: boolean;
  /** Declared properties: a struct. */
  fields: Readonly<Record<string, SchemaObject>> | undefined;
  required: ReadonlySet<string>;
  fieldInfo: Map<string, ChildInfo>;
  /** Schema of keys that are not declared properties (additionalProperties, or untyped). */
  restSchema: SchemaObject | undefined;
  rest: ChildInfo | undefined;
}

interface ListShape {
  type: 'atomic' | 'set' | 'map';
  keys: readonly string[];
  keyDefaults: Readonly<Record<string, Json>>;
  itemSchema: SchemaObject | undefined;
  item: Shape | undefined;
}

export interface Shape {
  obj: ObjShape | undefined;
  list: ListShape | undefined;
  scalar: boolean;
}

const NONE: ReadonlySet<string> = new Set();
const objShape = (
  atomic: boolean,
  fields?: Record<string, SchemaObject>,
  restSchema?: SchemaObject,
  required?: string[],
): ObjShape => ({
  atomic,
  fields,
  required: required?.length ? new Set(required) : NONE,
  fieldInfo: new Map(),
  restSchema,
  rest: undefined,
});

function deduced(): Shape {
  const list: ListShape = { type: 'atomic', keys: [], keyDefaults: {}, itemSchema: undefined, item: undefined };
  const obj = objShape(false);
  const shape: Shape = { obj, list, scalar: true };
  list.item = shape;
  obj.rest = { shape, named: false };
  return shape;
}

export const DEDUCED: Shape = deduced();
const SCALAR: Shape = { obj: undefined, list: undefined, scalar: true };
const SCALAR_TYPES = new Set(['string', 'integer', 'number', 'boolean']);

// Kubernetes 1.27's OpenAPI does not carry `default: "TCP"` for these list-map keys (later releases do, and SMD
// then fills the missing key from it). Without it, a port applied without a protocol would be a different item
// from the stored, defaulted one.
const BUILTIN_KEY_DEFAULTS: Record<string, Record<string, Json>> = {
  'io.k8s.api.core.v1.ContainerPort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.ServicePort': { protocol: 'TCP' },
};
let builtinKeyDefaults: Map<SchemaObject, Record<string, Json>> | undefined;

function keyDefaultsOf(item: SchemaObject | undefined, keys: readonly string[]): Record<string, Json> {
  if (!builtinKeyDefaults) {
    builtinKeyDefaults = new Map();
    for (const [name, defaults] of Object.entries(BUILTIN_KEY_DEFAULTS)) {
      const def = resolve(allSchemas()[name]);
      if (def) builtinKeyDefaults.set(def, defaults);
    }
  }
  const out: Record<string, Json> = {};
  const builtin = item && builtinKeyDefaults.get(item);
  for (const key of keys) {
    const prop = item?.properties && Object.hasOwn(item.properties, key) ? resolve(item.properties[key]) : undefined;
    if (prop?.default !== undefined) out[key] = prop.default as Json;
    else if (builtin && Object.hasOwn(builtin, key)) out[key] = builtin[key];
  }
  return out;
}

const shapes = new WeakMap<SchemaObject, Shape>();

export function shapeOf(node: SchemaObject | undefined): Shape {
  const s = resolve(node);
  if (!s) return DEDUCED;
  const cached = shapes.get(s);
  if (cached) return cached;
  const shape = computeShape(s);
  shapes.set(s, shape);
  return shape;
}

function computeShape(s: SchemaObject): Shape {
  if (s['x-kubernetes-int-or-string'] === true) return SCALAR;
  const type = s.type;
  if (type === 'array' || (type === undefined && s.items !== undefined)) {
    const strategy = listStrategy(s);
    const listType = strategy?.listType ?? 'atomic';
    const keys = listType === 'map' ? [...(strategy?.mapKeys ?? [])].sort(compareStrings) : [];
    const itemSchema = itemsOf(s);
    // A `map` list without keys cannot name its items: SMD treats it as a set.
    const effective = listType === 'map' && keys.length === 0 ? 'set' : listType;
    return {
      obj: undefined,
      list: { type: effective, keys, keyDefaults: keyDefaultsOf(itemSchema, keys), itemSchema, item: undefined },
      scalar: false,
    };
  }
  const hasProps = s.properties !== undefined && Object.keys(s.properties).length > 0;
  const additional = s.additionalProperties;
  if (type === 'object' || (type === undefined && (hasProps || additional !== undefined))) {
    const atomic = s['x-kubernetes-map-type'] === 'atomic';
    if (!hasProps && (additional === undefined || additional === true || additional === false)) {
      // An object without declared structure (RawExtension, preserve-unknown-fields): untyped below here.
      return atomic ? { obj: objShape(true), list: undefined, scalar: false } : { ...DEDUCED, obj: DEDUCED.obj };
    }
    const rest = typeof additional === 'object' ? valuesOf(s) : undefined;
    return {
      obj: objShape(atomic, hasProps ? s.properties : undefined, rest, s.required),
      list: undefined,
      scalar: false,
    };
  }
  if (type !== undefined && SCALAR_TYPES.has(type)) return SCALAR;
  return DEDUCED;
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const rootShapes = new WeakMap<SchemaObject, Shape>();
let untypedRoot: Shape | undefined;

/**
 * The shape of a whole object. `metadata` is always ObjectMeta (as for custom resources, whose schemas declare it
 * as a bare object); with no schema at all, everything else is untyped.
 */
export function rootShape(schema: SchemaObject | undefined): Shape {
  const s = resolve(schema);
  if (!s) {
    untypedRoot ??= shapeOf({
      type: 'object',
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: allSchemas()[OBJECT_META] },
      additionalProperties: true,
    });
    return untypedRoot;
  }
  const cached = rootShapes.get(s);
  if (cached) return cached;
  const meta = s.properties && Object.hasOwn(s.properties, 'metadata') ? resolve(s.properties.metadata) : undefined;
  const shape =
    meta?.properties !== undefined
      ? shapeOf(s)
      : shapeOf({ ...s, type: 'object', properties: { ...s.properties, metadata: allSchemas()[OBJECT_META] } });
  rootShapes.set(s, shape);
  return shape;
}

function childOf(os: ObjShape, key: string): ChildInfo {
  if (os.fields && Object.hasOwn(os.fields, key)) {
    let info = os.fieldInfo.get(key);
    if (!info) {
      info = { shape: shapeOf(os.fields[key]), named: true, required: os.required.has(key) };
      os.fieldInfo.set(key, info);
    }
    return info;
  }
  return (os.rest ??= { shape: shapeOf(os.restSchema), named: false });
}

const itemShape = (ls: ListShape): Shape => (ls.item ??= shapeOf(ls.itemSchema));

/** The shape below one path element, from the schema alone (for walking a set rather than a value). */
function shapeBelow(shape: Shape, pe: string): ChildInfo | undefined {
  if (pe.startsWith('f:')) return shape.obj ? childOf(shape.obj, pe.slice(2)) : undefined;
  return shape.list ? { shape: itemShape(shape.list), named: false } : undefined;
}

// How a value is handled under a shape (SMD's deduceAtom + handleAtom): as a map, as a list, or (also when the
// value does not fit the schema) as a leaf. Null takes the schema's map, scalar or list form, in that order.

/** The map shape a value is walked with, if it is walked as a map. */
function mapOf(v: Json | undefined, shape: Shape): ObjShape | undefined {
  return v === null || (typeof v === 'object' && !Array.isArray(v)) ? shape.obj : undefined;
}

/** The list shape a value is walked with, if it is walked as a list. */
function listOf(v: Json | undefined, shape: Shape): ListShape | undefined {
  if (Array.isArray(v)) return shape.list;
  return v === null && !shape.obj && !shape.scalar ? shape.list : undefined;
}

type Kind = 'map' | 'list' | 'leaf';
const kindOf = (v: Json, shape: Shape): Kind => (mapOf(v, shape) ? 'map' : listOf(v, shape) ? 'list' : 'leaf');

const isEmptyObject = (o: JsonObject | null): boolean => {
  if (o === null) return true;
  for (const key in o) if (Object.hasOwn(o, key)) return false;
  return true;
};

// ---------------------------------------------------------------------------------------------------------------
// Item keys.

/** A value the walks reject: the caller turns it into a 400 with the path. */
export class FieldPathError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(path ? `${path}: ${detail}` : detail);
  }
}

interface Walk {
  /** Reject malformed lists (the applied configuration) instead of falling back to positions (stored objects). */
  strict: boolean;
  path: string[];
}

const walk = (strict: boolean): Walk => ({ strict, path: [] });

function itemElement(item: Json, ls: ListShape, index: number, w: Walk): string {
  let error: string;
  if (ls.type === 'map') {
    if (isJsonObject(item)) {
      // ls.keys is sorted, so this is canonicalJson of the key fields, built directly (a hot path).
      let key = '';
      for (const name of ls.keys) {
        const v = Object.hasOwn(item, name) ? item[name] : ls.keyDefaults[name];
        if (v === undefined) continue;
        const value = typeof v === 'string' || typeof v === 'number' ? JSON.stringify(v) : canonicalJson(v);
        key += `${key ? ',' : ''}${JSON.stringify(name)}:${value}`;
      }
      if (key) return `k:{${key}}`;
      error = `element ${index}: associative list with keys has an element that omits all key fields ${JSON.stringify(ls.keys)} (and doesn't have default values for any key fields)`;
    } else if (item === null) error = `element ${index}: associative list with keys may not have a null element`;
    else error = `element ${index}: associative list with keys may not have non-map elements`;
  } else {
    if (item !== null) return `v:${canonicalJson(item)}`;
    error = `element ${index}: associative list without keys has an element that's an explicit null`;
  }
  if (w.strict) throw new FieldPathError(pathString(w.path), error);
  return `i:${index}`;
}

function itemElements(list: Json[], ls: ListShape, w: Walk): string[] {
  const pes = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) pes[i] = itemElement(list[i], ls, i, w);
  return pes;
}

// ---------------------------------------------------------------------------------------------------------------
// toFieldSet: the fields a value sets (SMD typed.ToFieldSet).

/** The set of fields `value` sets. `strict` rejects duplicate and keyless list items (for applied configurations). */
export function toFieldSet(value: JsonObject, shape: Shape, strict = false): PathSet {
  const out = new PathSet();
  collect(value, shape, out, walk(strict));
  return out;
}

/** Fills `out` with the paths below `v`; true when `v` is a leaf its parent must own itself. */
function collect(v: Json, shape: Shape, out: PathSet, w: Walk): boolean {
  const os = mapOf(v, shape);
  if (os) {
    if (os.atomic) return true;
    if (v === null) return false;
    const obj = v as JsonObject;
    for (const key of Object.keys(obj)) {
      const val = obj[key];
      const info = childOf(os, key);
      const pe = `f:${key}`;
      const sub = new PathSet();
      w.path.push(pe);
      const leaf = collect(val, info.shape, sub, w);
      w.path.pop();
      if (!sub.empty()) out.children.set(pe, sub);
      if (leaf || val === null || (isJsonObject(val) && isEmptyObject(val)) || !info.named) out.members.add(pe);
    }
    return false;
  }
  const ls = listOf(v, shape);
  if (ls) {
    if (ls.type === 'atomic') return true;
    if (v === null) return false;
    const list = v as Json[];
    const pes = itemElements(list, ls, w);
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (let i = 0; i < pes.length; i++) {
      const pe = pes[i];
      if (!seen.has(pe)) seen.add(pe);
      else if (w.strict) throw new FieldPathError(pathString(w.path), `duplicate entries for key ${elementString(pe)}`);
      else duplicates.add(pe);
    }
    const item = itemShape(ls);
    for (let i = 0; i < list.length; i++) {
      const pe = pes[i];
      out.members.add(pe);
      if (duplicates.has(pe)) continue; // SMD owns duplicated items as a whole
      const sub = new PathSet();
      w.path.push(pe);
      collect(list[i], item, sub, w);
      w.path.pop();
      if (!sub.empty()) out.children.set(pe, sub);
    }
    return false;
  }
  return true;
}

/** The paths at which `value` holds an explicit null (outside atomic values): see removeNulls. */
export function nullPaths(value: JsonObject, shape: Shape): PathSet {
  const out = new PathSet();
  findNulls(value, shape, out, walk(false));
  return out;
}

function findNulls(v: Json, shape: Shape, out: PathSet, w: Walk): void {
  const os = mapOf(v, shape);
  const ls = listOf(v, shape);
  if (os && isJsonObject(v) && !os.atomic) {
    for (const key of Object.keys(v)) {
      const val = v[key];
      if (val === null) out.members.add(`f:${key}`);
      else if (typeof val === 'object') {
        const sub = new PathSet();
        findNulls(val, childOf(os, key).shape, sub, w);
        if (!sub.empty()) out.children.set(`f:${key}`, sub);
      }
    }
  } else if (ls && Array.isArray(v) && ls.type !== 'atomic') {
    const list = v;
    for (let i = 0; i < list.length; i++) {
      if (typeof list[i] !== 'object' || list[i] === null) continue;
      const sub = new PathSet();
      findNulls(list[i], itemShape(ls), sub, w);
      if (!sub.empty()) out.children.set(itemElement(list[i], ls, i, w), sub);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// compare: the fields added, modified and removed between two values (SMD typed.Compare).

export interface Comparison {
  added: PathSet;
  modified: PathSet;
  removed: PathSet;
}

class Diff {
  added: PathSet | undefined;
  modified: PathSet | undefined;
  removed: PathSet | undefined;

  mark(kind: 'added' | 'modified' | 'removed', pe: string): void {
    (this[kind] ??= new PathSet()).members.add(pe);
  }

  attach(pe: string, kids: Diff): void {
    if (kids.added && !kids.added.empty()) (this.added ??= new PathSet()).children.set(pe, kids.added);
    if (kids.modified && !kids.modified.empty()) (this.modified ??= new PathSet()).children.set(pe, kids.modified);
    if (kids.removed && !kids.removed.empty()) (this.removed ??= new PathSet()).children.set(pe, kids.removed);
  }
}

export function compare(lhs: JsonObject, rhs: JsonObject, shape: Shape): Comparison {
  const root = new Diff();
  if (shape.obj) compareMap(lhs, rhs, shape.obj, root, walk(false));
  return {
    added: root.added ?? new PathSet(),
    modified: root.modified ?? new PathSet(),
    removed: root.removed ?? new PathSet(),
  };
}

/** Compares one node (`l`, `r` undefined when absent, never both), recording under `pe` in `into`. */
function compareNode(l: Json | undefined, r: Json | undefined, info: ChildInfo, into: Diff, pe: string, w: Walk): void {
  // One value (a subtree two versions of an object share, as a status write shares the spec): nothing changed.
  if (l === r) return;
  const shape = info.shape;
  let inLeaf: boolean;
  if (l === undefined) {
    if (r === undefined) return;
    inLeaf = compareAs(kindOf(r, shape), l, r, shape, into, pe, w);
  } else if (r === undefined) inLeaf = compareAs(kindOf(l, shape), l, r, shape, into, pe, w);
  else {
    const lk = kindOf(l, shape);
    const rk = kindOf(r, shape);
    // A value that changed type is walked as both, each side seeing the other as absent (as SMD does).
    if (lk !== rk) compareAs(lk, l, r, shape, into, pe, w);
    inLeaf = compareAs(rk, l, r, shape, into, pe, w);
  }
  if (inLeaf) return;
  // A struct, or a required field, that appears with content is owned through its content only, as on a
  // Kubernetes server: there the typed empty object a create is compared with already has structs and fields
  // without omitempty (which OpenAPI lists as required), so only optional maps and lists are added themselves.
  if (l === undefined) {
    if (!(info.named && (info.required || shape.obj?.fields !== undefined))) into.mark('added', pe);
  } else if (r === undefined) into.mark('removed', pe);
}

function compareLeaf(l: Json | undefined, r: Json | undefined, into: Diff, pe: string): true {
  if (l === undefined) into.mark('added', pe);
  else if (r === undefined) into.mark('removed', pe);
  else if (!jsonEqual(l, r)) into.mark('modified', pe);
  return true;
}

/** Returns true when the node was compared as a leaf. */
function compareAs(
  kind: Kind,
  l: Json | undefined,
  r: Json | undefined,
  shape: Shape,
  into: Diff,
  pe: string,
  w: Walk,
): boolean {
  const os = kind === 'map' ? shape.obj : undefined;
  if (os) {
    const lm = isJsonObject(l) ? l : null;
    const rm = isJsonObject(r) ? r : null;
    if (os.atomic || (isEmptyObject(lm) && isEmptyObject(rm))) return compareLeaf(l, r, into, pe);
    const kids = new Diff();
    w.path.push(pe);
    compareMap(lm, rm, os, kids, w);
    w.path.pop();
    into.attach(pe, kids);
    return false;
  }
  const ls = kind === 'list' ? shape.list : undefined;
  if (ls) {
    const ll = Array.isArray(l) ? l : null;
    const rl = Array.isArray(r) ? r : null;
    if (ls.type === 'atomic' || ((ll === null || ll.length === 0) && (rl === null || rl.length === 0)))
      return compareLeaf(l, r, into, pe);
    const kids = new Diff();
    w.path.push(pe);
    compareList(ll ?? [], rl ?? [], ls, kids, w);
    w.path.pop();
    into.attach(pe, kids);
    return false;
  }
  return compareLeaf(l, r, into, pe);
}

function compareMap(lm: JsonObject | null, rm: JsonObject | null, os: ObjShape, into: Diff, w: Walk): void {
  if (lm) {
    for (const key of Object.keys(lm)) {
      compareNode(lm[key], rm ? own(rm, key) : undefined, childOf(os, key), into, `f:${key}`, w);
    }
  }
  if (rm) {
    for (const key of Object.keys(rm)) {
      if (lm && Object.hasOwn(lm, key)) continue;
      compareNode(undefined, rm[key], childOf(os, key), into, `f:${key}`, w);
    }
  }
}

function groupItems(list: Json[], ls: ListShape, w: Walk, order: string[]): Map<string, Json[]> {
  const pes = itemElements(list, ls, w);
  const groups = new Map<string, Json[]>();
  for (let i = 0; i < list.length; i++) {
    const group = groups.get(pes[i]);
    if (group) group.push(list[i]);
    else {
      groups.set(pes[i], [list[i]]);
      order.push(pes[i]);
    }
  }
  return groups;
}

function compareList(ll: Json[], rl: Json[], ls: ListShape, into: Diff, w: Walk): void {
  const order: string[] = [];
  const lGroups = groupItems(ll, ls, w, order);
  const rOrder: string[] = [];
  const rGroups = groupItems(rl, ls, w, rOrder);
  for (const pe of rOrder) if (!lGroups.has(pe)) order.push(pe);
  const info: ChildInfo = { shape: itemShape(ls), named: false };
  for (const pe of order) {
    const lList = lGroups.get(pe) ?? [];
    const rList = rGroups.get(pe) ?? [];
    if (lList.length <= 1 && rList.length <= 1) compareNode(lList[0], rList[0], info, into, pe, w);
    else if (lList.length >= 2 && rList.length >= 2) {
      // Duplicated before and after: compared as a whole.
      if (!jsonEqual(lList, rList)) into.mark('modified', pe);
    } else if (lList.length >= 2) {
      if (rList.length) compareNode(undefined, rList[0], info, into, pe, w);
      into.mark('removed', pe);
    } else {
      if (lList.length) compareNode(lList[0], undefined, info, into, pe, w);
      into.mark('added', pe);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// merge: an applied configuration merged into a live object (SMD typed.Merge). Untouched live subtrees are shared
// with the result, not copied.

export function merge(lhs: JsonObject, rhs: JsonObject, shape: Shape): JsonObject {
  return mergeNode(lhs, rhs, shape, walk(false)) as JsonObject;
}

function mergeNode(l: Json | undefined, r: Json | undefined, shape: Shape, w: Walk): Json | undefined {
  if (r === undefined) return l;
  if (l === undefined) return r;
  const os = mapOf(r, shape);
  if (os) {
    const lm = isJsonObject(l) ? l : null;
    // An explicit null is a leaf (the caller removes it, see removeNulls), except on a granular map with content:
    // there, as in SMD, it merges as an empty map and leaves the entries (other managers') in place.
    if (r === null) return os.atomic || isEmptyObject(lm) ? null : lm;
    const rm = r as JsonObject;
    if (os.atomic || (isEmptyObject(lm) && isEmptyObject(rm))) return r;
    const out: JsonObject = {};
    if (lm) {
      for (const key of Object.keys(lm)) {
        const rv = own(rm, key);
        put(out, key, rv === undefined ? lm[key] : (mergeNode(lm[key], rv, childOf(os, key).shape, w) as Json));
      }
    }
    for (const key of Object.keys(rm)) if (!lm || !Object.hasOwn(lm, key)) put(out, key, rm[key]);
    return out;
  }
  const ls = listOf(r, shape);
  if (ls) {
    const ll = Array.isArray(l) ? l : [];
    if (r === null) return ls.type === 'atomic' || ll.length === 0 ? null : ll;
    const rl = r as Json[];
    if (ls.type === 'atomic' || (ll.length === 0 && rl.length === 0)) return r;
    return mergeList(ll, rl, ls, w);
  }
  return r;
}

/**
 * SMD's list merge: live items keep their place, items in both follow the applied order, and applied-only items
 * go right after the applied item before them. Duplicated live items are replaced by the applied one.
 */
function mergeList(ll: Json[], rl: Json[], ls: ListShape, w: Walk): Json[] {
  const item = itemShape(ls);
  const rPEs = itemElements(rl, ls, w);
  const rObserved = new Map<string, Json>();
  for (let i = 0; i < rl.length; i++) rObserved.set(rPEs[i], rl[i]);
  const lPEs = itemElements(ll, ls, w);
  const lObserved = new Map<string, Json>();
  for (let i = 0; i < ll.length; i++) lObserved.set(lPEs[i], lObserved.has(lPEs[i]) ? null : ll[i]);

  const sharedOrder = rPEs.filter((pe) => lObserved.has(pe));
  let si = 0;
  let nextShared: string | undefined = sharedOrder[si++];
  const mergedR = new Set<string>();
  const out: Json[] = [];
  const push = (v: Json | undefined) => {
    if (v !== undefined) out.push(v);
  };
  const lObs = (pe: string): Json | undefined => {
    const v = lObserved.get(pe);
    return v === null ? undefined : v;
  };

  let li = 0;
  let ri = 0;
  while (li < ll.length || ri < rl.length) {
    if (li < ll.length && ri < rl.length) {
      const pe = lPEs[li];
      if (pe === rPEs[ri]) {
        mergedR.add(pe);
        push(mergeNode(lObs(pe), rObserved.get(pe), item, w));
        li++;
        ri++;
        nextShared = sharedOrder[si++];
        continue;
      }
      if (rObserved.has(pe) && nextShared !== undefined && nextShared !== pe) {
        // An item both have, but not the one due next in the applied order.
        li++;
        continue;
      }
    }
    if (li < ll.length) {
      const pe = lPEs[li];
      if (!rObserved.has(pe)) {
        push(ll[li]);
        li++;
        continue;
      } else if (mergedR.has(pe)) li++;
    }
    if (ri < rl.length) {
      const pe = rPEs[ri];
      mergedR.add(pe);
      push(mergeNode(lObs(pe), rObserved.get(pe), item, w));
      ri++;
      if (nextShared !== undefined && nextShared === pe) nextShared = sharedOrder[si++];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// removeItems: a value without the members of a set (SMD typed.RemoveItems). As in SMD, a map or list emptied by
// the removal becomes null, unless `drop` asks for it to disappear (for the final object).

export function removeItems(value: JsonObject, set: PathSet, shape: Shape, drop = false): JsonObject {
  if (set.empty()) return value;
  const out = removeNode(value, set, shape, drop);
  return isJsonObject(out) ? out : {};
}

function removeNode(v: Json, set: PathSet, shape: Shape, drop: boolean): Json | undefined {
  const ls = listOf(v, shape);
  if (ls) {
    const list = v as Json[] | null;
    if (list === null || list.length === 0 || ls.type === 'atomic') return v;
    const pes = itemElements(list, ls, walk(false));
    const item = itemShape(ls);
    const out: Json[] = [];
    let changed = false;
    for (let i = 0; i < list.length; i++) {
      const pe = pes[i];
      if (set.members.has(pe)) {
        changed = true;
        continue;
      }
      const sub = set.children.get(pe);
      let next: Json | undefined = list[i];
      if (sub) next = removeNode(list[i], sub, item, drop);
      if (next !== list[i]) changed = true;
      if (next !== undefined && next !== null) out.push(next);
    }
    if (!changed) return v;
    return out.length > 0 ? out : drop ? undefined : null;
  }
  const os = mapOf(v, shape);
  if (os) {
    const obj = v as JsonObject | null;
    if (obj === null || os.atomic || isEmptyObject(obj)) return v;
    const out: JsonObject = {};
    let changed = false;
    let size = 0;
    for (const key of Object.keys(obj)) {
      const pe = `f:${key}`;
      if (set.members.has(pe)) {
        changed = true;
        continue;
      }
      const sub = set.children.get(pe);
      let next: Json | undefined = obj[key];
      if (sub) next = removeNode(obj[key], sub, childOf(os, key).shape, drop);
      if (next !== obj[key]) changed = true;
      if (next === undefined) continue;
      put(out, key, next);
      size++;
    }
    if (!changed) return v;
    return size > 0 ? out : drop ? undefined : null;
  }
  return v;
}

/**
 * Removes the fields at the members of `set` (see nullPaths) whose value is null: an applied null leaves no null in
 * the stored object. A map emptied by that goes too.
 */
export function removeNulls(value: JsonObject, set: PathSet, shape: Shape): JsonObject {
  if (set.empty()) return value;
  const out = dropNulls(value, set, shape);
  return isJsonObject(out) ? out : {};
}

function dropNulls(v: Json, set: PathSet, shape: Shape): Json | undefined {
  const os = mapOf(v, shape);
  const ls = listOf(v, shape);
  if (os && isJsonObject(v) && !os.atomic) {
    const out: JsonObject = {};
    let changed = false;
    for (const key of Object.keys(v)) {
      const pe = `f:${key}`;
      let next: Json | undefined = v[key];
      if (next === null && set.members.has(pe)) next = undefined;
      else {
        const sub = set.children.get(pe);
        if (sub && next !== null) next = dropNulls(next, sub, childOf(os, key).shape);
      }
      if (next !== v[key]) changed = true;
      if (next !== undefined) put(out, key, next);
    }
    if (!changed) return v;
    return isEmptyObject(out) ? undefined : out;
  }
  if (ls && Array.isArray(v) && ls.type !== 'atomic') {
    const pes = itemElements(v, ls, walk(false));
    let changed = false;
    const out = v.map((item, i) => {
      const sub = set.children.get(pes[i]);
      const next = sub ? dropNulls(item, sub, itemShape(ls)) : item;
      if (next !== item) changed = true;
      return next === undefined ? item : next;
    });
    return changed ? out : v;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * SMD's EnsureNamedFieldsAreMembers: a set that also owns every struct field it owns something below (a map key
 * or list item with owned descendants is not added). Prune uses it so that dropping a struct's last owned field
 * can drop the struct.
 */
export function withNamedFields(set: PathSet, shape: Shape): PathSet {
  const out = new PathSet();
  for (const pe of set.members) out.members.add(pe);
  for (const [pe, child] of set.children) {
    const info = shapeBelow(shape, pe);
    if (info?.named) out.members.add(pe);
    out.children.set(pe, withNamedFields(child, info?.shape ?? DEDUCED));
  }
  return out;
}
