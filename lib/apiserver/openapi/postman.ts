// A Postman collection (format v2.1) generated from OpenAPI 3 documents: one folder per document (an API
// group-version), a sub-folder per tag (a kind), one request per operation with its example body. Requests use
// the collection's variables: {{baseUrl}} for the server and {{token}} for bearer auth, set once on the
// collection; path parameters are Postman path variables (:namespace, :name) with the documents' examples as
// values, and optional query parameters are listed but disabled.

export const POSTMAN_SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

export interface PostmanVariable {
  key: string;
  value: string;
  type?: 'string';
  description?: string;
  disabled?: boolean;
}

export interface PostmanAuth {
  type: 'bearer' | 'noauth';
  bearer?: PostmanVariable[];
}

export interface PostmanRequest {
  method: string;
  header: PostmanVariable[];
  url: {
    raw: string;
    host: string[];
    path: string[];
    query?: PostmanVariable[];
    variable?: PostmanVariable[];
  };
  body?: { mode: 'raw'; raw: string; options: { raw: { language: 'json' | 'text' } } };
  auth?: PostmanAuth;
  description?: string;
}

export interface PostmanRequestItem {
  name: string;
  request: PostmanRequest;
  response: [];
}

export interface PostmanFolder {
  name: string;
  description?: string;
  item: (PostmanFolder | PostmanRequestItem)[];
}

export interface PostmanCollection {
  info: { name: string; description?: string; schema: typeof POSTMAN_SCHEMA };
  auth: PostmanAuth;
  variable: PostmanVariable[];
  item: PostmanFolder[];
}

/** The parts of an OpenAPI 3 document the collection is made from. */
export interface OpenApiSource {
  info?: { title?: string; description?: string };
  paths: Record<string, Record<string, unknown>>;
}

export interface PostmanGroup {
  name: string;
  description?: string;
  document: OpenApiSource;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  example?: unknown;
  schema?: { default?: unknown; example?: unknown; enum?: unknown[] };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asParameters = (value: unknown): Parameter[] =>
  Array.isArray(value)
    ? value.filter((p): p is Parameter => isObject(p) && typeof p.name === 'string' && typeof p.in === 'string')
    : [];

const text = (value: unknown): string =>
  value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);

function parameterValue(p: Parameter): string {
  return text(p.example ?? p.schema?.example ?? p.schema?.default);
}

function requestBody(
  operation: Record<string, unknown>,
): { contentType: string; raw: string; json: boolean } | undefined {
  const body = operation.requestBody;
  if (!isObject(body) || !isObject(body.content)) return undefined;
  const [contentType, media] = Object.entries(body.content)[0] ?? [];
  if (!contentType || !isObject(media)) return undefined;
  const json = /json/.test(contentType);
  const example = media.example;
  const raw =
    example === undefined
      ? json
        ? '{}'
        : ''
      : typeof example === 'string'
        ? example
        : JSON.stringify(example, null, 2);
  return { contentType, raw, json };
}

function requestItem(
  path: string,
  method: string,
  operation: Record<string, unknown>,
  pathParameters: Parameter[],
): PostmanRequestItem {
  const parameters = [...pathParameters];
  // An operation's parameter replaces the path item's of the same name and place.
  for (const p of asParameters(operation.parameters)) {
    const index = parameters.findIndex((q) => q.name === p.name && q.in === p.in);
    if (index >= 0) parameters[index] = p;
    else parameters.push(p);
  }
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/^\{(.+)\}$/, ':$1'));
  const query = parameters
    .filter((p) => p.in === 'query')
    .map((p) => ({
      key: p.name,
      value: parameterValue(p),
      ...(p.description ? { description: p.description } : {}),
      ...(p.required ? {} : { disabled: true }),
    }));
  // In the order the path names them, as Postman lists them.
  const variable = segments
    .filter((s) => s.startsWith(':'))
    .map((s) => {
      const p = parameters.find((q) => q.in === 'path' && q.name === s.slice(1));
      return {
        key: s.slice(1),
        value: p ? parameterValue(p) : '',
        ...(p?.description ? { description: p.description } : {}),
      };
    });
  const enabledQuery = query.filter((q) => !q.disabled).map((q) => `${q.key}=${q.value}`);
  const body = requestBody(operation);
  const header: PostmanVariable[] = [{ key: 'Accept', value: 'application/json' }];
  if (body) header.push({ key: 'Content-Type', value: body.contentType });
  const request: PostmanRequest = {
    method: method.toUpperCase(),
    header,
    url: {
      raw: `{{baseUrl}}/${segments.join('/')}${enabledQuery.length ? `?${enabledQuery.join('&')}` : ''}`,
      host: ['{{baseUrl}}'],
      path: segments,
      ...(query.length ? { query } : {}),
      ...(variable.length ? { variable } : {}),
    },
  };
  if (body) request.body = { mode: 'raw', raw: body.raw, options: { raw: { language: body.json ? 'json' : 'text' } } };
  // An operation with an empty security list is public: no token.
  if (Array.isArray(operation.security) && operation.security.length === 0) request.auth = { type: 'noauth' };
  const description = [operation.description, operation.operationId && `operationId: ${text(operation.operationId)}`]
    .filter((s): s is string => typeof s === 'string' && s !== '')
    .join('\n\n');
  if (description) request.description = description;
  const name = typeof operation.summary === 'string' ? operation.summary : `${method.toUpperCase()} ${path}`;
  return { name, request, response: [] };
}

/** The requests of one document, in sub-folders by tag (the kind), in the document's order. */
function folderItems(document: OpenApiSource): PostmanFolder[] {
  const byTag = new Map<string, PostmanRequestItem[]>();
  for (const [path, pathItem] of Object.entries(document.paths)) {
    if (!isObject(pathItem)) continue;
    const pathParameters = asParameters(pathItem.parameters);
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      const tags = Array.isArray(operation.tags) ? operation.tags : [];
      const tag = typeof tags[0] === 'string' ? tags[0] : 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), requestItem(path, method, operation, pathParameters)]);
    }
  }
  return [...byTag].map(([name, item]) => ({ name, item }));
}

export function postmanCollection(
  groups: PostmanGroup[],
  options: { name: string; baseUrl: string; description?: string },
): PostmanCollection {
  return {
    info: {
      name: options.name,
      ...(options.description ? { description: options.description } : {}),
      schema: POSTMAN_SCHEMA,
    },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] },
    variable: [
      { key: 'baseUrl', value: options.baseUrl, type: 'string', description: 'The EntroOS server' },
      {
        key: 'token',
        value: '',
        type: 'string',
        description: 'An API token (eos_…): Settings → API tokens, or POST /api/login',
      },
    ],
    item: groups.map((g) => ({
      name: g.name,
      ...(g.description ? { description: g.description } : {}),
      item: folderItems(g.document),
    })),
  };
}

/** Every request in a folder tree (for tests and counts). */
export function requestsIn(items: (PostmanFolder | PostmanRequestItem)[]): PostmanRequestItem[] {
  return items.flatMap((i) => ('request' in i ? [i] : requestsIn(i.item)));
}
