import { badRequest, invalid } from './errors.ts';
import { clone } from './meta.ts';

// The three patch types kubectl and clients send.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key] ?? null, value);
  }
  return out;
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
    else if (isObject(node)) node = node[token];
    else node = undefined as unknown as Json;
    if (node === undefined || node === null || typeof node !== 'object') throw invalid('patch', undefined, [{ message: `path ${path} does not exist`, field: path }]);
  }
  return { parent: node as JsonObject | Json[], key: tokens[tokens.length - 1] };
}

function getAt(doc: Json, path: string): Json {
  let node: Json = doc;
  for (const token of pointer(path)) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : (undefined as unknown as Json);
    if (node === undefined) throw invalid('patch', undefined, [{ message: `path ${path} does not exist`, field: path }]);
  }
  return node;
}

/** RFC 6902 JSON patch. */
export function jsonPatch(document: Json, operations: unknown): Json {
  if (!Array.isArray(operations)) throw badRequest('a JSON patch must be an array of operations');
  let doc = clone(document);
  for (const raw of operations as JsonPatchOp[]) {
    if (!raw || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw badRequest('each JSON patch operation needs "op" and "path"');
    const { op, path } = raw;
    const tokens = pointer(path);
    const put = (value: Json, insert: boolean) => {
      if (!tokens.length) {
        doc = value;
        return;
      }
      const { parent, key } = parentOf(doc, tokens, path);
      if (Array.isArray(parent)) {
        const index = key === '-' ? parent.length : Number(key);
        if (!Number.isInteger(index) || index < 0 || index > parent.length) throw invalid('patch', undefined, [{ message: `index ${key} is out of range`, field: path }]);
        if (insert) parent.splice(index, 0, value);
        else parent[index] = value;
      } else {
        if (!insert && !(key in parent)) throw invalid('patch', undefined, [{ message: `path ${path} does not exist`, field: path }]);
        parent[key] = value;
      }
    };
    const remove = (p: string) => {
      const t = pointer(p);
      const { parent, key } = parentOf(doc, t, p);
      if (Array.isArray(parent)) {
        const index = Number(key);
        if (!(index >= 0 && index < parent.length)) throw invalid('patch', undefined, [{ message: `path ${p} does not exist`, field: p }]);
        parent.splice(index, 1);
      } else {
        if (!(key in parent)) throw invalid('patch', undefined, [{ message: `path ${p} does not exist`, field: p }]);
        delete parent[key];
      }
    };
    switch (op) {
      case 'add':
        put(clone(raw.value ?? null), true);
        break;
      case 'replace':
        put(clone(raw.value ?? null), false);
        break;
      case 'remove':
        remove(path);
        break;
      case 'move': {
        const value = getAt(doc, raw.from ?? '');
        remove(raw.from ?? '');
        put(value, true);
        break;
      }
      case 'copy':
        put(clone(getAt(doc, raw.from ?? '')), true);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(raw.value)) throw invalid('patch', undefined, [{ message: `test failed at ${path}`, field: path }]);
        break;
      default:
        throw badRequest(`unknown JSON patch operation "${op}"`);
    }
  }
  return doc;
}

// Strategic merge patch: like a merge patch, but lists of objects are merged
// by a key field (containers by name, ports by containerPort...), and the
// $patch / $retainKeys / $setElementOrder / $deleteFromPrimitiveList
// directives kubectl sends are honoured.
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  conditions: 'type',
  ownerReferences: 'uid',
  addresses: 'ip',
  taints: 'key',
  readinessGates: 'conditionType',
};
// ports: containers merge by containerPort, services by port.
const portKey = (items: Json[]) => (items.some((p) => isObject(p) && 'containerPort' in p) ? 'containerPort' : 'port');
const PRIMITIVE_SET_LISTS = new Set(['finalizers']);

export function strategicMergePatch(target: Json, patch: Json, field = ''): Json {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return null;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const list = key.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[list]) && Array.isArray(value)) out[list] = (out[list] as Json[]).filter((v) => !(value as Json[]).includes(v));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = out[key];
    if (Array.isArray(value)) out[key] = mergeList(key, Array.isArray(current) ? current : [], value);
    else if (isObject(value)) {
      const merged = strategicMergePatch(current ?? null, value, key);
      if (merged === null) delete out[key];
      else out[key] = merged;
    } else out[key] = value;
  }
  // $retainKeys: drop fields not listed (used for e.g. strategy changes)
  if (Array.isArray(patch.$retainKeys)) for (const k of Object.keys(out)) if (!(patch.$retainKeys as Json[]).includes(k)) delete out[k];
  void field;
  return out;
}

function mergeList(field: string, current: Json[], patch: Json[]): Json[] {
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) return clone(patch.filter((p) => !(isObject(p) && p.$patch === 'replace')));
  const mergeKey = field === 'ports' ? portKey([...current, ...patch]) : MERGE_KEYS[field];
  if (PRIMITIVE_SET_LISTS.has(field)) return [...new Set([...current, ...patch])];
  if (!mergeKey || !patch.every((p) => isObject(p))) return clone(patch);
  const out = clone(current) as JsonObject[];
  for (const item of patch as JsonObject[]) {
    const id = item[mergeKey];
    const index = out.findIndex((c) => isObject(c) && c[mergeKey] === id && (field !== 'ports' || (c.protocol ?? 'TCP') === (item.protocol ?? 'TCP')));
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = strategicMergePatch(out[index], item, field) as JsonObject;
    else out.push(strategicMergePatch(null, item, field) as JsonObject);
  }
  return out;
}
