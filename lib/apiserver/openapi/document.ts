import { createHash } from 'node:crypto';
import { RESOURCE_TYPES, type ResourceType } from '../../apimachinery/registry.ts';
import { KIND_SCHEMA, SCHEMAS } from './schemas.ts';

// /openapi/v3 and its per-group-version documents. kubectl reads them to
// explain fields, and to learn that this server validates fields itself
// (the fieldValidation parameter), so it sends objects for the server to check.

const gvPath = (group: string) => (group ? `apis/${group}/v1` : 'api/v1');

const PARAMS = {
  fieldValidation: { name: 'fieldValidation', in: 'query', description: 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn or Strict.', schema: { type: 'string', uniqueItems: true } },
  dryRun: { name: 'dryRun', in: 'query', description: 'When present, indicates that modifications should not be persisted. Valid value: All.', schema: { type: 'string', uniqueItems: true } },
  fieldManager: { name: 'fieldManager', in: 'query', description: 'fieldManager is a name associated with the actor or entity that is making these changes.', schema: { type: 'string', uniqueItems: true } },
};

function paths(t: ResourceType) {
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const schemaRef = { $ref: `#/components/schemas/${KIND_SCHEMA[t.kind]}` };
  const op = (action: string, extra: Record<string, unknown> = {}) => ({
    operationId: `${action}${t.kind}`,
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: schemaRef } } } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...extra,
  });
  const base = `/${gvPath(t.group)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
  const writeParams = [PARAMS.dryRun, PARAMS.fieldManager, PARAMS.fieldValidation];
  return {
    [base]: { get: op('list'), post: op('post', { parameters: writeParams, requestBody: { content: { '*/*': { schema: schemaRef } } } }) },
    [`${base}/{name}`]: {
      get: op('get'),
      put: op('put', { parameters: writeParams, requestBody: { content: { '*/*': { schema: schemaRef } } } }),
      patch: op('patch', { parameters: writeParams }),
      delete: op('delete', { parameters: [PARAMS.dryRun] }),
    },
  };
}

function document(group: string) {
  const types = RESOURCE_TYPES.filter((t) => t.group === group);
  return {
    openapi: '3.0.0',
    info: { title: 'EntroOS', version: 'v1.32.0' },
    paths: Object.assign({}, ...types.map(paths)),
    components: { schemas: SCHEMAS },
  };
}

const GROUPS = [...new Set(RESOURCE_TYPES.map((t) => t.group))];
const DOCS = new Map(GROUPS.map((g) => [gvPath(g), document(g)]));
const HASHES = new Map([...DOCS].map(([path, doc]) => [path, createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 64).toUpperCase()]));

export function openApiRoot() {
  return { paths: Object.fromEntries([...DOCS.keys()].map((path) => [path, { serverRelativeURL: `/openapi/v3/${path}?hash=${HASHES.get(path)}` }])) };
}

/** The document for "api/v1" or "apis/<group>/v1", or undefined. */
export function openApiDocument(path: string) {
  return DOCS.get(path);
}
