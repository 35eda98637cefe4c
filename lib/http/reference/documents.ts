import '#server-only';
import {
  kubeReferenceDocument,
  kubeReferenceGroups,
  type ReferenceDocument,
  type ReferenceGroup,
} from '../../apiserver/openapi/reference.ts';
import { postmanCollection, type PostmanCollection } from '../../apiserver/openapi/postman.ts';
import { entroosReferenceDocument } from './entroos.ts';

// The API reference as the dashboard and the downloads serve it: every served Kubernetes group-version (custom
// resources included, as their CRDs come and go) and entroos.io/v1, each as an OpenAPI 3 document, the whole API
// as one, and the Postman collection made from them.

export const REFERENCE_BASE = '/apis/entroos.io/v1/reference';
export const ENTROOS_GROUP: ReferenceGroup = {
  id: 'entroos.io/v1',
  group: 'entroos.io',
  version: 'v1',
  title: 'entroos.io/v1',
  custom: false,
};

export interface ReferenceIndexGroup extends ReferenceGroup {
  operations: number;
  /** The group's OpenAPI document. */
  openapi: string;
}

export interface ReferenceIndex {
  kind: 'APIReference';
  apiVersion: 'entroos.io/v1';
  groups: ReferenceIndexGroup[];
  /** The whole API as one OpenAPI document. */
  openapi: string;
  postman: string;
  /** The GraphQL schema (served by the GraphQL endpoint). */
  graphqlSchema: string;
}

let entroos: ReferenceDocument | undefined;

/** The built-in Kubernetes groups, entroos.io/v1, then the custom resources' groups. */
export function referenceGroups(): ReferenceGroup[] {
  const kube = kubeReferenceGroups();
  return [...kube.filter((g) => !g.custom), ENTROOS_GROUP, ...kube.filter((g) => g.custom)];
}

/** The document of one group-version ("core/v1", "entroos.io/v1", …), or undefined. */
export function referenceDocument(id: string): ReferenceDocument | undefined {
  if (id === ENTROOS_GROUP.id) return (entroos ??= entroosReferenceDocument());
  return kubeReferenceDocument(id);
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch']);

export const operationCount = (doc: Pick<ReferenceDocument, 'paths'>) =>
  Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).filter((k) => METHODS.has(k)).length, 0);

export function referenceIndex(): ReferenceIndex {
  return {
    kind: 'APIReference',
    apiVersion: 'entroos.io/v1',
    groups: referenceGroups().flatMap((g) => {
      const doc = referenceDocument(g.id);
      return doc ? [{ ...g, operations: operationCount(doc), openapi: `${REFERENCE_BASE}/openapi/${g.id}` }] : [];
    }),
    openapi: `${REFERENCE_BASE}/openapi`,
    postman: `${REFERENCE_BASE}/postman`,
    graphqlSchema: '/graphql/schema.graphql',
  };
}

/**
 * Every group in one document. Paths do not overlap between groups and definition names are fully qualified,
 * so they merge as they are; tags, which are kinds, are prefixed with their group (two groups may share a kind).
 */
export function wholeReferenceDocument(): ReferenceDocument {
  const whole: ReferenceDocument = {
    openapi: '3.0.3',
    info: {
      title: 'EntroOS API',
      version: 'v1',
      description:
        'Every API group EntroOS serves: the Kubernetes groups, entroos.io/v1 and the custom resources. ' +
        'Authenticate with an API token (Authorization: Bearer eos_…) or the dashboard session; see docs/auth.md.',
    },
    tags: [],
    paths: {},
    components: { schemas: {}, securitySchemes: {}, responses: {} },
    security: [],
  };
  for (const group of referenceGroups()) {
    const doc = referenceDocument(group.id);
    if (!doc) continue;
    const tag = (name: string) => `${group.id} ${name}`;
    whole.tags.push(...doc.tags.map((t) => ({ ...t, name: tag(t.name) })));
    for (const [path, item] of Object.entries(doc.paths)) {
      const renamed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(item)) {
        const operation = value as { tags?: string[] };
        renamed[key] = METHODS.has(key) && operation.tags ? { ...operation, tags: operation.tags.map(tag) } : value;
      }
      whole.paths[path] ??= renamed;
    }
    for (const [name, schema] of Object.entries(doc.components.schemas)) whole.components.schemas[name] ??= schema;
    Object.assign(whole.components.securitySchemes, doc.components.securitySchemes);
    Object.assign(whole.components.responses ?? {}, doc.components.responses);
    whole.security = doc.security;
  }
  return whole;
}

/** A document with the server it was fetched from, so a download works as it is in any OpenAPI tool. */
export const withServer = (doc: ReferenceDocument, origin: string): ReferenceDocument => ({
  ...doc,
  servers: [{ url: origin, description: 'this EntroOS server' }],
});

export function referencePostman(baseUrl: string): PostmanCollection {
  return postmanCollection(
    referenceGroups().flatMap((g) => {
      const document = referenceDocument(g.id);
      return document ? [{ name: g.id, description: document.info.description, document }] : [];
    }),
    {
      name: 'EntroOS API',
      baseUrl,
      description:
        'Every EntroOS API operation, one folder per API group. Set the collection variable `token` to an API ' +
        'token (Settings → API tokens in the dashboard, or POST /api/login) and `baseUrl` to your server.',
    },
  );
}
