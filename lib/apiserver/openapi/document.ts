import { createHash } from 'node:crypto';
import { allTypes, typesGeneration, type ResourceType } from '../../apimachinery/registry.ts';
import { allSchemas, definitionName, type SchemaObject } from '../../apimachinery/schema.ts';
import { crdDefinitionName, openApiForCrd } from '../crd/structural.ts';

// /openapi/v3 and its per-group-version documents. kubectl reads them to explain fields, and to learn that this
// server validates fields itself (the fieldValidation parameter), so it sends objects for the server to check.
// The schemas are the upstream Kubernetes definitions the validation and patch code use too
// (lib/apimachinery/generated): each document carries the served kinds' definitions and everything they reference.
// A custom resource's group-version document carries the definitions its CRD's schemas make (openApiForCrd); the
// documents (and their hashes, which kubectl caches by) are rebuilt when the served types change.

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
  if (t.crd) return crdDefinitionName(t.group, t.version, kind);
  return definitionName(t.group, t.version, kind);
}

function paths(t: ResourceType) {
  const definition = kindDefinition(t);
  if (!definition) return {};
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const list = kindDefinition(t, t.listKind ?? `${t.kind}List`);
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

const VALIDATION_RULE = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule';

// Definitions the generated schemas reference but lack: the generator did not emit apiextensions' ValidationRule
// (a CRD schema's x-kubernetes-validations entries), so `kubectl explain crd.spec.versions.schema` would meet a
// dangling reference. Its fields, from apiextensions.k8s.io/v1.
const MISSING: Record<string, SchemaObject> = {
  [VALIDATION_RULE]: {
    description: 'ValidationRule describes a validation rule written in the CEL expression language.',
    type: 'object',
    required: ['rule'],
    properties: {
      rule: { description: 'Rule represents the expression which will be evaluated by CEL.', type: 'string' },
      message: { description: 'Message represents the message displayed when validation fails.', type: 'string' },
      messageExpression: {
        description: 'MessageExpression declares a CEL expression that evaluates to the validation failure message.',
        type: 'string',
      },
      reason: {
        description:
          'reason provides a machine-readable validation failure reason: FieldValueInvalid (the default), ' +
          'FieldValueForbidden, FieldValueRequired or FieldValueDuplicate.',
        type: 'string',
      },
      fieldPath: {
        description: 'fieldPath represents the field path returned when the validation fails.',
        type: 'string',
      },
      optionalOldSelf: {
        description:
          'optionalOldSelf is used to opt a transition rule into evaluation even when the object is first created.',
        type: 'boolean',
      },
    },
  },
};

/** The definitions the documents' paths name, and every definition those reference in turn. */
export function closure(roots: string[], custom: Record<string, SchemaObject>): Record<string, SchemaObject> {
  const schemas = allSchemas();
  const out: Record<string, SchemaObject> = {};
  const pending = [...roots];
  while (pending.length) {
    const name = pending.pop() as string;
    if (Object.hasOwn(out, name)) continue;
    const schema = Object.hasOwn(custom, name)
      ? custom[name]
      : Object.hasOwn(schemas, name)
        ? schemas[name]
        : Object.hasOwn(MISSING, name)
          ? MISSING[name]
          : undefined;
    if (!schema) continue;
    out[name] = schema;
    collectRefs(schema, pending);
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
  // The definitions of the custom resources served in this group-version.
  const custom: Record<string, SchemaObject> = {};
  for (const t of types) if (t.crd) Object.assign(custom, openApiForCrd(t.crd)[t.version] ?? {});
  return {
    openapi: '3.0.0',
    info: { title: 'EntroOS', version: 'v1.32.0' },
    paths: pathItems,
    components: { schemas: closure(roots, custom) },
  };
}

interface BuiltDocument {
  /** The types it was built from: it is rebuilt when they are no longer the same objects. */
  types: ResourceType[];
  document: OpenApiDocument;
  hash: string;
}

interface Built {
  generation: number;
  documents: Map<string, BuiltDocument>;
}

let built: Built | undefined;

const sameTypes = (a: ResourceType[], b: ResourceType[]) => a.length === b.length && a.every((t, i) => t === b[i]);

// Built on first use rather than at import: the core document alone carries a few hundred definitions, and most
// processes importing this module (tests, the server before kubectl shows up) never serve it. A change to the
// served types (a CRD established, changed or deleted) rebuilds only the group-versions whose types changed.
function build(): Built {
  const generation = typesGeneration();
  if (built?.generation === generation) return built;
  const byPath = new Map<string, ResourceType[]>();
  for (const t of allTypes()) byPath.set(gvPath(t), [...(byPath.get(gvPath(t)) ?? []), t]);
  const documents = new Map<string, BuiltDocument>();
  for (const [path, types] of byPath) {
    const previous = built?.documents.get(path);
    if (previous && sameTypes(previous.types, types)) {
      documents.set(path, previous);
      continue;
    }
    const document = buildDocument(types);
    const hash = createHash('sha512').update(JSON.stringify(document)).digest('hex').slice(0, 64).toUpperCase();
    documents.set(path, { types, document, hash });
  }
  built = { generation, documents };
  return built;
}

export function openApiRoot() {
  const { documents } = build();
  return {
    paths: Object.fromEntries(
      [...documents].map(([path, { hash }]) => [path, { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` }]),
    ),
  };
}

/** The document for "api/v1" or "apis/<group>/<version>", or undefined. */
export function openApiDocument(path: string) {
  return build().documents.get(path)?.document;
}
