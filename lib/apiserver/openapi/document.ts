import { createHash } from 'node:crypto';
import { RESOURCE_TYPES, type ResourceType } from '../../apimachinery/registry.ts';
import { allSchemas, definitionName, type SchemaObject } from '../../apimachinery/schema.ts';

// /openapi/v3 and its per-group-version documents. kubectl reads them to explain fields, and to learn that this
// server validates fields itself (the fieldValidation parameter), so it sends objects for the server to check.
// The schemas are the upstream Kubernetes definitions the validation and patch code use too
// (lib/apimachinery/generated): each document carries the served kinds' definitions and everything they reference.

const REF_PREFIX = '#/components/schemas/';
const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';

const PARAMS = {
  fieldValidation: {
    name: 'fieldValidation',
    in: 'query',
    description:
      'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate ' +
      'fields: Ignore, Warn or Strict.',
    schema: { type: 'string', uniqueItems: true },
  },
  dryRun: {
    name: 'dryRun',
    in: 'query',
    description: 'When present, indicates that modifications should not be persisted. Valid value: All.',
    schema: { type: 'string', uniqueItems: true },
  },
  fieldManager: {
    name: 'fieldManager',
    in: 'query',
    description: 'fieldManager is a name associated with the actor or entity that is making these changes.',
    schema: { type: 'string', uniqueItems: true },
  },
};

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, SchemaObject> };
}

const gvPath = (t: ResourceType) => (t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`);
const ref = (definition: string) => ({ $ref: `${REF_PREFIX}${definition}` });

function kindDefinition(t: ResourceType, kind = t.kind): string | undefined {
  return definitionName(t.group, t.version, kind);
}

function paths(t: ResourceType) {
  const definition = kindDefinition(t);
  if (!definition) return {};
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const list = kindDefinition(t, `${t.kind}List`);
  const op = (action: string, schema: object, extra: Record<string, unknown> = {}) => ({
    operationId: `${action}${t.kind}`,
    responses: { '200': { description: 'OK', content: { 'application/json': { schema } } } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...extra,
  });
  const kind = ref(definition);
  const base = `/${gvPath(t)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
  const writeParams = [PARAMS.dryRun, PARAMS.fieldManager, PARAMS.fieldValidation];
  const body = { requestBody: { content: { '*/*': { schema: kind } } } };
  return {
    [base]: {
      get: op('list', list ? ref(list) : kind),
      post: op('post', kind, { parameters: writeParams, ...body }),
    },
    [`${base}/{name}`]: {
      get: op('get', kind),
      put: op('put', kind, { parameters: writeParams, ...body }),
      patch: op('patch', kind, { parameters: writeParams }),
      delete: op('delete', ref(STATUS), { parameters: [PARAMS.dryRun] }),
    },
  };
}

function collectRefs(node: unknown, into: string[]) {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, into);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX))
        into.push(value.slice(REF_PREFIX.length));
      else collectRefs(value, into);
    }
  }
}

/** The definitions the documents' paths name, and every definition those reference in turn. */
function closure(roots: string[]): Record<string, SchemaObject> {
  const schemas = allSchemas();
  const out: Record<string, SchemaObject> = {};
  const pending = [...roots];
  while (pending.length) {
    const name = pending.pop() as string;
    if (Object.hasOwn(out, name) || !Object.hasOwn(schemas, name)) continue;
    out[name] = schemas[name];
    collectRefs(schemas[name], pending);
  }
  // Sorted, so a document (and its hash) does not depend on the order the walk met the definitions in.
  return Object.fromEntries(
    Object.keys(out)
      .sort()
      .map((name) => [name, out[name]]),
  );
}

function buildDocument(types: ResourceType[]): OpenApiDocument {
  const pathItems = Object.assign({}, ...types.map(paths)) as OpenApiDocument['paths'];
  const roots: string[] = [];
  collectRefs(pathItems, roots);
  return {
    openapi: '3.0.0',
    info: { title: 'EntroOS', version: 'v1.32.0' },
    paths: pathItems,
    components: { schemas: closure(roots) },
  };
}

interface Built {
  documents: Map<string, OpenApiDocument>;
  hashes: Map<string, string>;
}

let built: Built | undefined;

// Built on first use rather than at import: the core document alone carries a few hundred definitions, and most
// processes importing this module (tests, the server before kubectl shows up) never serve it.
function build(): Built {
  if (built) return built;
  const byPath = new Map<string, ResourceType[]>();
  for (const t of RESOURCE_TYPES) byPath.set(gvPath(t), [...(byPath.get(gvPath(t)) ?? []), t]);
  const documents = new Map([...byPath].map(([path, types]) => [path, buildDocument(types)]));
  const hashes = new Map(
    [...documents].map(([path, doc]) => [
      path,
      createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 64).toUpperCase(),
    ]),
  );
  built = { documents, hashes };
  return built;
}

export function openApiRoot() {
  const { documents, hashes } = build();
  return {
    paths: Object.fromEntries(
      [...documents.keys()].map((path) => [
        path,
        { serverRelativeURL: `/openapi/v3/${path}?hash=${hashes.get(path)}` },
      ]),
    ),
  };
}

/** The document for "api/v1" or "apis/<group>/<version>", or undefined. */
export function openApiDocument(path: string) {
  return build().documents.get(path);
}
