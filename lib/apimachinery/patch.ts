import { badRequest, invalid } from './errors.ts';
import { clone } from './meta.ts';
import { field, itemsOf, listStrategy, resolve, valuesOf, type SchemaObject } from './schema.ts';

// The three patch types kubectl and clients send.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

// Keys come from request bodies: reading "__proto__" must not reach Object.prototype, and writing it must not
// replace the prototype (JSON.parse made it a plain property, so it stays one).
const own = (obj: JsonObject, key: string): Json | undefined => (Object.hasOwn(obj, key) ? obj[key] : undefined);
function put(obj: JsonObject, key: string, value: Json) {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** RFC 7386 JSON merge patch of two parsed JSON documents. */
export function mergePatch(target: unknown, patch: unknown): Json {
  return merge(target as Json, patch as Json);
}

function merge(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else put(out, key, merge(own(out, key) ?? null, value));
  }
  return out;
}

/**
 * JSON value equality as RFC 6902 §4.6 defines it for `test`: objects match when they have the same members with
 * equal values in any order, arrays element by element, numbers by value. Serialised text would depend on the
 * order a client happened to write the keys in.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  // Objects built in code may carry undefined members, which JSON leaves out.
  let count = 0;
  for (const key of Object.keys(left)) {
    if (left[key] === undefined) continue;
    count++;
    if (!Object.hasOwn(right, key) || !jsonEqual(left[key], right[key])) return false;
  }
  for (const key of Object.keys(right)) if (right[key] !== undefined) count--;
  return count === 0;
}

interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: Json;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer "${path}": must start with "/"`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, tokens: string[], path: string): { parent: JsonObject | Json[]; key: string } {
  let node: Json = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isObject(node)) node = own(node, token) as Json;
    else node = undefined as unknown as Json;
    if (node === undefined || node === null || typeof node !== 'object')
      throw invalid('patch', undefined, [{ message: `path ${path} does not exist`, field: path }]);
  }
  return { parent: node as JsonObject | Json[], key: tokens[tokens.length - 1] };
}

function getAt(doc: Json, path: string): Json {
  let node: Json = doc;
  for (const token of pointer(path)) {
    node = Array.isArray(node)
      ? node[Number(token)]
      : isObject(node)
        ? (own(node, token) as Json)
        : (undefined as unknown as Json);
    if (node === undefined)
      throw invalid('patch', undefined, [{ message: `path ${path} does not exist`, field: path }]);
  }
  return node;
}

/** RFC 6902 JSON patch of a parsed JSON document. */
export function jsonPatch(document: unknown, operations: unknown): Json {
  if (!Array.isArray(operations)) throw badRequest('a JSON patch must be an array of operations');
  let doc = clone(document) as Json;
  for (const raw of operations as JsonPatchOp[]) {
    if (!raw || typeof raw.op !== 'string' || typeof raw.path !== 'string')
      throw badRequest('each JSON patch operation needs "op" and "path"');
    const { op, path } = raw;
    const tokens = pointer(path);
    const place = (value: Json, insert: boolean) => {
      if (!tokens.length) {
        doc = value;
        return;
      }
      const { parent, key } = parentOf(doc, tokens, path);
      if (Array.isArray(parent)) {
        const index = key === '-' ? parent.length : Number(key);
        if (!Number.isInteger(index) || index < 0 || index > parent.length)
          throw invalid('patch', undefined, [{ message: `index ${key} is out of range`, field: path }]);
        if (insert) parent.splice(index, 0, value);
        else parent[index] = value;
      } else {
        if (!insert && !Object.hasOwn(parent, key))
          throw invalid('patch', undefined, [{ message: `path ${path} does not exist`, field: path }]);
        put(parent, key, value);
      }
    };
    const remove = (p: string) => {
      const t = pointer(p);
      const { parent, key } = parentOf(doc, t, p);
      if (Array.isArray(parent)) {
        const index = Number(key);
        if (!(index >= 0 && index < parent.length))
          throw invalid('patch', undefined, [{ message: `path ${p} does not exist`, field: p }]);
        parent.splice(index, 1);
      } else {
        if (!Object.hasOwn(parent, key))
          throw invalid('patch', undefined, [{ message: `path ${p} does not exist`, field: p }]);
        delete parent[key];
      }
    };
    switch (op) {
      case 'add':
        place(clone(raw.value ?? null), true);
        break;
      case 'replace':
        place(clone(raw.value ?? null), false);
        break;
      case 'remove':
        remove(path);
        break;
      case 'move': {
        const value = getAt(doc, raw.from ?? '');
        remove(raw.from ?? '');
        place(value, true);
        break;
      }
      case 'copy':
        place(clone(getAt(doc, raw.from ?? '')), true);
        break;
      case 'test':
        if (raw.value === undefined) throw badRequest(`the JSON patch "test" operation at ${path} has no "value"`);
        if (!jsonEqual(getAt(doc, path), raw.value))
          throw invalid('patch', undefined, [{ message: `test failed at ${path}`, field: path }]);
        break;
      default:
        throw badRequest(`unknown JSON patch operation "${op}"`);
    }
  }
  return doc;
}

// Strategic merge patch (https://git.k8s.io/community/contributors/devel/sig-api-machinery/strategic-merge-patch.md),
// driven by the kind's OpenAPI schema as upstream's strategicpatch package is by the Go struct tags: a list merges
// only when its x-kubernetes-patch-strategy includes "merge" (objects by x-kubernetes-patch-merge-key, primitives
// as a set); every other list is replaced. Without a schema (a kind without one, a preserve-unknown-fields or
// free-form object) objects merge like a JSON merge patch and lists are replaced.

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

const isDirective = (key: string) =>
  key === PATCH || key === RETAIN_KEYS || key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM);

/**
 * Applies a strategic merge patch to `target` (not modified; unchanged subtrees are shared with the result).
 * `schema` is the kind's resolved schema (`kindSchema`); undefined merges as described above.
 */
export function strategicMergePatch(target: unknown, patch: unknown, schema?: SchemaObject): Json {
  if (!isObject(patch)) throw badRequest('a strategic merge patch must be a JSON object');
  return mergeObject(isObject(target) ? target : undefined, patch, schema) ?? null;
}

function childSchema(schema: SchemaObject | undefined, key: string): SchemaObject | undefined {
  if (!schema) return undefined;
  return schema.properties ? field(schema, key) : valuesOf(schema);
}

/** The merged object, or undefined where the patch deletes it. */
function mergeObject(
  original: JsonObject | undefined,
  patch: JsonObject,
  schema: SchemaObject | undefined,
): JsonObject | undefined {
  const directive = own(patch, PATCH);
  if (directive !== undefined) {
    if (directive === 'delete') return undefined;
    if (directive !== 'replace')
      throw badRequest(`unknown $patch directive "${String(directive)}" in a strategic merge patch`);
    const { [PATCH]: _, ...rest } = patch;
    return mergeObject(undefined, rest, schema);
  }
  const out: JsonObject = original ? { ...original } : {};
  const keys = Object.keys(patch);
  if (Object.hasOwn(patch, RETAIN_KEYS)) retainKeys(out, patch, keys);
  // A malformed directive is refused even when its list is absent, as upstream's patch parser does.
  for (const key of keys) {
    if (!key.startsWith(SET_ORDER)) continue;
    if (!Array.isArray(patch[key]))
      throw badRequest(`invalid patch format of setElementOrder list: ${key} must be a list`);
    // Upstream looks the directive's list up in the kind's schema first: a field the kind does not have is an error
    // (there a 500; a client's mistake here), not an order for nothing.
    const name = key.slice(SET_ORDER.length);
    const properties = resolve(schema)?.properties;
    if (properties && !field(schema, name) && !valuesOf(schema))
      throw badRequest(`unable to find api field for the json field "${name}" named by ${key}`);
  }
  // Deletions first: kubectl sends a parallel deletion list next to the additions for the same field.
  for (const key of keys) if (key.startsWith(DELETE_FROM)) deleteFromPrimitiveList(out, key, patch[key]);
  for (const key of keys) {
    if (isDirective(key)) continue;
    const value = patch[key];
    if (value === null) {
      delete out[key];
      continue;
    }
    const child = childSchema(schema, key);
    let next: Json | undefined;
    if (Array.isArray(value)) next = mergeList(own(out, key), value, child, own(patch, SET_ORDER + key));
    else if (isObject(value)) {
      const current = own(out, key);
      const replaces = listOfStrategies(child).includes('replace');
      next = mergeObject(isObject(current) && !replaces ? current : undefined, value, child);
    } else next = value;
    if (next === undefined) delete out[key];
    else put(out, key, next);
  }
  // An order for a list the patch leaves alone (kubectl sends one when only the order changed).
  for (const key of keys) {
    if (!key.startsWith(SET_ORDER)) continue;
    const name = key.slice(SET_ORDER.length);
    const current = own(out, name);
    if (Object.hasOwn(patch, name) || !Array.isArray(current)) continue;
    const strategy = listStrategy(childSchema(schema, name));
    if (strategy?.patchStrategy?.includes('merge'))
      put(out, name, applyOrder(current, current, patch[key], [], strategy.mergeKey));
  }
  return out;
}

function listOfStrategies(schema: SchemaObject | undefined): string[] {
  const strategy = schema?.['x-kubernetes-patch-strategy'];
  return typeof strategy === 'string' ? strategy.split(',').map((s) => s.trim()) : [];
}

function retainKeys(out: JsonObject, patch: JsonObject, keys: string[]) {
  const list = patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badRequest('invalid patch format of retainKeys: $retainKeys must be a list');
  const retained = new Set<Json>(list);
  for (const key of keys) {
    if (!isDirective(key) && patch[key] !== null && !retained.has(key)) {
      throw badRequest(`invalid patch format of retainKeys: "${key}" is patched but not in $retainKeys`);
    }
  }
  for (const key of Object.keys(out)) if (!retained.has(key)) delete out[key];
}

function deleteFromPrimitiveList(out: JsonObject, key: string, values: Json) {
  const name = key.slice(DELETE_FROM.length);
  if (!name || !Array.isArray(values) || values.some((v) => v !== null && typeof v === 'object')) {
    throw badRequest(`invalid patch format of primitive list: ${key} must be a list of primitive values`);
  }
  const current = own(out, name);
  if (!Array.isArray(current)) return;
  const remove = new Set<Json>(values);
  put(
    out,
    name,
    current.filter((item) => !remove.has(item)),
  );
}

/** A patch item inserted as is: its directives are applied against nothing, so none of them is stored. */
function fresh(item: Json, schema: SchemaObject | undefined): Json | undefined {
  if (isObject(item)) return mergeObject(undefined, item, schema);
  return Array.isArray(item) ? clone(item) : item;
}

function replaceList(patch: Json[], items: SchemaObject | undefined): Json[] {
  const out: Json[] = [];
  for (const item of patch) {
    // A `{$patch: …}` marker is an instruction about the list, never an element of it.
    if (isObject(item) && Object.hasOwn(item, PATCH)) continue;
    const value = fresh(item, items);
    if (value !== undefined) out.push(value);
  }
  return out;
}

function mergeList(
  current: Json | undefined,
  patch: Json[],
  schema: SchemaObject | undefined,
  order: Json | undefined,
): Json[] {
  const strategy = listStrategy(schema);
  const items = itemsOf(schema);
  if (!strategy?.patchStrategy?.includes('merge')) return replaceList(patch, items);
  const live = Array.isArray(current) ? current : [];
  const key = strategy.mergeKey;
  let merged: Json[];
  if (patch.some((item) => isObject(item) && own(item, PATCH) === 'replace')) merged = replaceList(patch, items);
  else if (key === undefined) merged = mergeSet(live, patch);
  else merged = mergeByKey(live, patch, key, items);
  if (order !== undefined) return applyOrder(merged, live, order, patch, key);
  // Without $setElementOrder upstream still lets the patch's order win over the live list's.
  const patched = patch.filter((item) => !(isObject(item) && Object.hasOwn(item, PATCH)));
  return interleave(merged, patched.map(keyFn(key)), live, key);
}

function mergeSet(live: Json[], patch: Json[]): Json[] {
  const out: Json[] = [];
  const seen = new Set<Json>();
  for (const item of live.concat(patch)) {
    if (typeof item === 'object' && item !== null) {
      throw badRequest('cannot merge a list of objects without a merge key in a strategic merge patch');
    }
    if (!seen.has(item)) {
      seen.add(item);
      out.push(item);
    }
  }
  return out;
}

function noMergeKey(item: JsonObject, key: string) {
  return badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
}

function mergeByKey(live: Json[], patch: Json[], key: string, items: SchemaObject | undefined): Json[] {
  let out = live.slice();
  const updates: JsonObject[] = [];
  for (const item of patch) {
    if (!isObject(item))
      throw badRequest(`expected an object in the list merged by "${key}", got ${JSON.stringify(item)}`);
    const directive = own(item, PATCH);
    if (directive === undefined) updates.push(item);
    else if (directive === 'delete') {
      if (!Object.hasOwn(item, key)) throw noMergeKey(item, key);
      out = out.filter((c) => !(isObject(c) && own(c, key) === item[key]));
    } else if (directive === 'merge') throw badRequest('merging lists cannot yet be specified in the patch');
    else throw badRequest(`unknown $patch directive "${String(directive)}" in a strategic merge patch`);
  }
  for (const item of updates) {
    if (!Object.hasOwn(item, key)) throw noMergeKey(item, key);
    const at = out.findIndex((c) => isObject(c) && own(c, key) === item[key]);
    const existing = at >= 0 ? out[at] : undefined;
    const merged = mergeObject(isObject(existing) ? existing : undefined, item, items);
    if (merged === undefined) continue;
    if (at >= 0) out[at] = merged;
    else out.push(merged);
  }
  return out;
}

const keyFn =
  (key: string | undefined) =>
  (item: Json): Json | undefined =>
    key === undefined ? item : isObject(item) ? own(item, key) : undefined;

/**
 * The items the patch names, in the patch's order, with the other (server-only) items woven back in where they
 * stood relative to them in the live list: upstream's normalizeElementOrder/mergeSortedSlice. Items new to the
 * list have no live position and so come before the server-only items that follow them.
 */
function interleave(merged: Json[], order: (Json | undefined)[], live: Json[], key: string | undefined): Json[] {
  const keyOf = keyFn(key);
  const orderIndex = new Map<Json | undefined, number>();
  order.forEach((k, i) => orderIndex.has(k) || orderIndex.set(k, i));
  const liveIndex = new Map<Json | undefined, number>();
  live.forEach((item, i) => {
    const k = keyOf(item);
    if (!liveIndex.has(k)) liveIndex.set(k, i);
  });
  const named: Json[] = [];
  const serverOnly: Json[] = [];
  for (const item of merged) (orderIndex.has(keyOf(item)) ? named : serverOnly).push(item);
  named.sort((a, b) => (orderIndex.get(keyOf(a)) ?? 0) - (orderIndex.get(keyOf(b)) ?? 0));
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < named.length) {
    if (j >= named.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(named[j++]);
    else {
      const left = liveIndex.get(keyOf(serverOnly[i]));
      const right = liveIndex.get(keyOf(named[j]));
      if (left !== undefined && right !== undefined && left < right) out.push(serverOnly[i++]);
      else out.push(named[j++]);
    }
  }
  return out;
}

function applyOrder(merged: Json[], live: Json[], order: Json, patch: Json[], key: string | undefined): Json[] {
  if (!Array.isArray(order)) throw badRequest('invalid patch format of setElementOrder list: it must be a list');
  const keyOf = keyFn(key);
  const orderKeys = order.map((item) => {
    if (key !== undefined && !(isObject(item) && Object.hasOwn(item, key))) {
      throw badRequest(`invalid patch format of setElementOrder list: ${JSON.stringify(item)} has no "${key}"`);
    }
    return keyOf(item);
  });
  // The patch list's items must appear in the order list, in the same relative order.
  let next = 0;
  const patched = patch.filter((item) => !(isObject(item) && Object.hasOwn(item, PATCH))).map(keyOf);
  for (const k of orderKeys) if (next < patched.length && patched[next] === k) next++;
  if (next < patched.length) throw badRequest("the order in the patch list doesn't match the $setElementOrder list");
  return interleave(merged, orderKeys, live, key);
}
