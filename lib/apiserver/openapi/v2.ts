import { createHash } from 'node:crypto';
import { openApiDocument, openApiRoot } from './document.ts';

// /openapi/v2: the Swagger 2.0 document kube-apiserver serves next to /openapi/v3, built from the v3 documents
// (document.ts) at request time, so custom resources appear in it as soon as they appear there; the result is
// cached by the v3 documents' hashes.
//
// kubectl reads it whenever it validates on the client side — a `kind: List` manifest, for one: kubectl never asks
// the server to validate a List, it checks each item against the v2 schemas. It asks for protobuf only
// (client-go's OpenAPISchema sends `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and
// proto-decodes whatever comes back), so the document is served as gnostic's openapi.v2.Document protobuf as
// well as JSON.
//
// The conversion follows kube-apiserver's own v3 → v2 rules for schemas (apiextensions' ToStructuralOpenAPIV2):
// `#/components/schemas/` refs become `#/definitions/`, a lone `allOf: [{$ref}]` becomes the `$ref`, oneOf/anyOf/not
// are dropped, a nullable field loses its type (and items/properties), x-kubernetes-preserve-unknown-fields drops
// items/properties, and an array left without items loses its type — kubectl's schema parser (kube-openapi's
// proto package) refuses anything else.

export const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
/** The spelling client-go sends in Accept (kube-openapi accepts both, and answers with V2_PROTOBUF). */
export const V2_PROTOBUF_DEPRECATED = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const V3_REF = '#/components/schemas/';
const V2_REF = '#/definitions/';

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, JsonObject>;
  definitions: Record<string, JsonObject>;
}

// ---------------------------------------------------------------------------------------------------------------
// v3 → v2

/** Schema keywords Swagger 2.0 shares with OpenAPI 3.0, copied as they are. */
const SCHEMA_KEYS = [
  'format',
  'title',
  'description',
  'default',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'enum',
  'readOnly',
  'example',
  'type',
];

function refV2(ref: Json): string | undefined {
  if (typeof ref !== 'string') return undefined;
  return ref.startsWith(V3_REF) ? V2_REF + ref.slice(V3_REF.length) : ref;
}

/** One v3 schema as Swagger 2.0 (see the rules at the top). */
export function schemaV2(node: Json): JsonObject {
  if (!isObject(node)) return {};
  const out: JsonObject = {};
  let ref = refV2(node.$ref ?? null);
  const allOf = node.allOf;
  if (!ref && Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0])) ref = refV2(allOf[0].$ref ?? null);
  if (ref) out.$ref = ref;
  for (const key of SCHEMA_KEYS) if (node[key] !== undefined) out[key] = node[key];
  if (Array.isArray(out.type)) out.type = out.type.filter((t) => t !== 'null')[0] ?? null;
  if (out.type === null) delete out.type;
  if (isObject(node.discriminator) && typeof node.discriminator.propertyName === 'string')
    out.discriminator = node.discriminator.propertyName;
  else if (typeof node.discriminator === 'string') out.discriminator = node.discriminator;
  for (const [key, value] of Object.entries(node)) if (key.startsWith('x-')) out[key] = value;

  const nullable = node.nullable === true;
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (ref) {
    // kube-openapi's parser refuses a reference with a type or properties of its own.
    delete out.type;
  } else if (!nullable && !preserve) {
    if (isObject(node.properties)) {
      const properties: JsonObject = {};
      const required: string[] = Array.isArray(node.required)
        ? node.required.filter((name): name is string => typeof name === 'string')
        : [];
      const dropRequired = new Set<string>();
      for (const [name, sub] of Object.entries(node.properties)) {
        properties[name] = schemaV2(sub);
        if (isObject(sub) && sub.nullable === true) dropRequired.add(name);
      }
      out.properties = properties;
      const kept = required.filter((name) => !dropRequired.has(name));
      if (kept.length) out.required = kept;
    }
    if (node.items !== undefined) {
      const items = Array.isArray(node.items) ? node.items[0] : node.items;
      if (isObject(items)) out.items = schemaV2(items);
    }
  }
  if (node.additionalProperties !== undefined && !ref) {
    const additional = node.additionalProperties;
    if (typeof additional === 'boolean') out.additionalProperties = additional;
    else if (isObject(additional)) {
      out.additionalProperties = schemaV2(additional);
      if (additional.nullable === true) delete out.required;
    }
  }
  if (nullable) {
    delete out.type;
    delete out.items;
    delete out.properties;
  }
  if (out.type === 'array' && out.items === undefined) delete out.type;
  if (Array.isArray(node.required) && out.properties === undefined && !nullable && !preserve && !ref) {
    const required = node.required.filter((name): name is string => typeof name === 'string');
    if (required.length) out.required = required;
  }
  return out;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;
const PARAMETER_KEYS = ['type', 'format', 'uniqueItems', 'enum', 'default', 'items', 'collectionFormat'];

function parameterV2(node: Json): JsonObject | undefined {
  if (!isObject(node) || typeof node.name !== 'string' || typeof node.in !== 'string') return undefined;
  const out: JsonObject = { name: node.name, in: node.in };
  if (typeof node.description === 'string') out.description = node.description;
  if (node.required === true || node.in === 'path') out.required = true;
  const schema = isObject(node.schema) ? node.schema : {};
  for (const key of PARAMETER_KEYS) if (schema[key] !== undefined) out[key] = schema[key];
  out.type ??= 'string';
  if (out.uniqueItems === undefined) out.uniqueItems = true;
  return out;
}

function mediaSchema(content: Json): { types: string[]; schema?: JsonObject } {
  if (!isObject(content)) return { types: [] };
  const types = Object.keys(content);
  const first = types.map((type) => content[type]).find(isObject);
  return { types, schema: first && first.schema !== undefined ? schemaV2(first.schema) : undefined };
}

function operationV2(node: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of ['description', 'summary', 'operationId', 'tags', 'deprecated'])
    if (node[key] !== undefined) out[key] = node[key];
  const parameters: Json[] = [];
  const consumes = new Set<string>();
  const produces = new Set<string>();
  if (isObject(node.requestBody)) {
    const body = mediaSchema(node.requestBody.content ?? null);
    for (const type of body.types) consumes.add(type);
    parameters.push({ name: 'body', in: 'body', required: true, schema: body.schema ?? {} });
  }
  if (Array.isArray(node.parameters))
    for (const parameter of node.parameters) {
      const converted = parameterV2(parameter);
      if (converted) parameters.push(converted);
    }
  const responses: JsonObject = {};
  if (isObject(node.responses)) {
    for (const [code, response] of Object.entries(node.responses)) {
      if (!isObject(response)) continue;
      const media = mediaSchema(response.content ?? null);
      for (const type of media.types) produces.add(type);
      responses[code] = {
        description: typeof response.description === 'string' ? response.description : code,
        ...(media.schema ? { schema: media.schema } : {}),
      };
    }
  }
  if (consumes.size) out.consumes = [...consumes];
  if (produces.size) out.produces = [...produces];
  out.schemes = ['https'];
  if (parameters.length) out.parameters = parameters;
  out.responses = Object.keys(responses).length ? responses : { '200': { description: 'OK' } };
  for (const [key, value] of Object.entries(node)) if (key.startsWith('x-')) out[key] = value;
  return out;
}

const PATH_PARAMETER_DESCRIPTIONS: Record<string, string> = {
  name: 'name of the resource',
  namespace: 'object name and auth scope, such as for teams and projects',
};

function pathItemV2(path: string, node: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const method of METHODS) {
    const operation = node[method];
    if (isObject(operation)) out[method] = operationV2(operation);
  }
  const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const declared = Array.isArray(node.parameters)
    ? node.parameters.map(parameterV2).filter((p): p is JsonObject => !!p)
    : [];
  for (const name of templated) {
    if (declared.some((p) => p.name === name && p.in === 'path')) continue;
    declared.push({
      name,
      in: 'path',
      required: true,
      description: PATH_PARAMETER_DESCRIPTIONS[name] ?? name,
      type: 'string',
      uniqueItems: true,
    });
  }
  if (declared.length) out.parameters = declared;
  for (const [key, value] of Object.entries(node)) if (key.startsWith('x-')) out[key] = value;
  return out;
}

/** The Swagger 2.0 document for a set of OpenAPI v3 documents (one per group-version). */
export function swaggerFromV3(documents: Json[]): SwaggerDocument {
  const paths: Record<string, JsonObject> = {};
  const definitions: Record<string, JsonObject> = {};
  let version = 'unversioned';
  for (const doc of documents) {
    if (!isObject(doc)) continue;
    if (isObject(doc.info) && typeof doc.info.version === 'string') version = doc.info.version;
    if (isObject(doc.paths))
      for (const [path, item] of Object.entries(doc.paths)) if (isObject(item)) paths[path] ??= pathItemV2(path, item);
    const schemas = isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
    for (const [name, schema] of Object.entries(schemas)) definitions[name] ??= schemaV2(schema);
  }
  // kubectl refuses the whole document over one reference to a definition it lacks ("unknown model in
  // reference"), so a dangling $ref becomes an arbitrary value instead.
  const dropDangling = (node: Json): void => {
    if (Array.isArray(node)) node.forEach(dropDangling);
    else if (isObject(node)) {
      const ref = node.$ref;
      if (typeof ref === 'string' && !(ref.startsWith(V2_REF) && Object.hasOwn(definitions, ref.slice(V2_REF.length))))
        delete node.$ref;
      for (const [key, value] of Object.entries(node)) {
        // A schema's `properties` is a map whose keys may well start with x- (JSONSchemaProps has some).
        if (key === 'properties' && isObject(value)) Object.values(value).forEach(dropDangling);
        else if (!key.startsWith('x-')) dropDangling(value);
      }
    }
  };
  Object.values(definitions).forEach(dropDangling);
  Object.values(paths).forEach(dropDangling);
  // Sorted, like kube-apiserver's document, so that the result (and its ETag) does not depend on the order of the
  // v3 documents.
  const sorted = <T>(record: Record<string, T>) =>
    Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, record[key]]),
    );
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version },
    paths: sorted(paths),
    definitions: sorted(definitions),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Protobuf: gnostic's openapi.v2.Document (github.com/google/gnostic/openapiv2/OpenAPIv2.proto), proto3.

class Message {
  private parts: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array) {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private varint(value: number | bigint) {
    let v = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    while (v >= 0x80n) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.push(Uint8Array.from(bytes));
  }

  private tag(field: number, wire: number) {
    this.varint((field << 3) | wire);
  }

  bytes(field: number, bytes: Uint8Array) {
    this.tag(field, 2);
    this.varint(bytes.length);
    this.push(bytes);
    return this;
  }

  string(field: number, value: Json | undefined) {
    if (typeof value === 'string' && value !== '') this.bytes(field, Buffer.from(value, 'utf8'));
    return this;
  }

  strings(field: number, values: Json | undefined) {
    if (Array.isArray(values)) for (const value of values) if (typeof value === 'string') this.string(field, value);
    return this;
  }

  /** A proto3 bool: written only when true, unless `always` (a oneof member, where false is a value). */
  bool(field: number, value: Json | undefined, always = false) {
    if (value === true || (always && value === false)) {
      this.tag(field, 0);
      this.varint(value ? 1 : 0);
    }
    return this;
  }

  int64(field: number, value: Json | undefined) {
    if (typeof value === 'number' && Number.isInteger(value) && value !== 0) {
      this.tag(field, 0);
      this.varint(value);
    }
    return this;
  }

  double(field: number, value: Json | undefined) {
    if (typeof value === 'number' && value !== 0) {
      this.tag(field, 1);
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setFloat64(0, value, true);
      this.push(bytes);
    }
    return this;
  }

  message(field: number, message: Message) {
    return this.bytes(field, message.finish());
  }

  finish(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

/** gnostic's Any: the value as YAML text (JSON is YAML, and what kube-openapi's parser reads back). */
const anyOf = (value: Json) => new Message().string(2, JSON.stringify(value));

const namedAny = (name: string, value: Json) => new Message().string(1, name).message(2, anyOf(value));

function vendorExtensions(message: Message, field: number, node: JsonObject) {
  for (const [key, value] of Object.entries(node))
    if (key.startsWith('x-')) message.message(field, namedAny(key, value));
}

function schemaMessage(node: JsonObject): Message {
  const m = new Message().string(1, node.$ref).string(2, node.format).string(3, node.title).string(4, node.description);
  if (node.default !== undefined) m.message(5, anyOf(node.default));
  m.double(6, node.multipleOf)
    .double(7, node.maximum)
    .bool(8, node.exclusiveMaximum)
    .double(9, node.minimum)
    .bool(10, node.exclusiveMinimum)
    .int64(11, node.maxLength)
    .int64(12, node.minLength)
    .string(13, node.pattern)
    .int64(14, node.maxItems)
    .int64(15, node.minItems)
    .bool(16, node.uniqueItems)
    .int64(17, node.maxProperties)
    .int64(18, node.minProperties)
    .strings(19, node.required);
  if (Array.isArray(node.enum)) for (const value of node.enum) m.message(20, anyOf(value));
  const additional = node.additionalProperties;
  if (typeof additional === 'boolean') m.message(21, new Message().bool(2, additional, true));
  else if (isObject(additional)) m.message(21, new Message().message(1, schemaMessage(additional)));
  if (typeof node.type === 'string') m.message(22, new Message().string(1, node.type));
  if (isObject(node.items)) m.message(23, new Message().message(1, schemaMessage(node.items)));
  if (isObject(node.properties)) {
    const properties = new Message();
    for (const [name, sub] of Object.entries(node.properties))
      if (isObject(sub)) properties.message(1, new Message().string(1, name).message(2, schemaMessage(sub)));
    m.message(25, properties);
  }
  m.string(26, node.discriminator).bool(27, node.readOnly);
  if (node.example !== undefined) m.message(30, anyOf(node.example));
  vendorExtensions(m, 31, node);
  return m;
}

function parameterMessage(node: JsonObject): Message {
  if (node.in === 'body') {
    const body = new Message()
      .string(1, node.description)
      .string(2, node.name)
      .string(3, node.in)
      .bool(4, node.required);
    if (isObject(node.schema)) body.message(5, schemaMessage(node.schema));
    return new Message().message(1, new Message().message(1, body));
  }
  // NonBodyParameter's oneof: header 1, formData 2, query 3, path 4. The query and form-data sub-schemas carry
  // allowEmptyValue (5), which shifts their later fields by one against the header and path ones.
  const oneof = { header: 1, formData: 2, query: 3, path: 4 }[String(node.in)] ?? 3;
  const shifted = oneof === 2 || oneof === 3 ? 1 : 0;
  const sub = new Message()
    .bool(1, node.required)
    .string(2, node.in)
    .string(3, node.description)
    .string(4, node.name)
    .string(5 + shifted, node.type)
    .string(6 + shifted, node.format)
    .bool(19 + shifted, node.uniqueItems);
  return new Message().message(1, new Message().message(2, new Message().message(oneof, sub)));
}

function operationMessage(node: JsonObject): Message {
  const m = new Message()
    .strings(1, node.tags)
    .string(2, node.summary)
    .string(3, node.description)
    .string(5, node.operationId)
    .strings(6, node.produces)
    .strings(7, node.consumes);
  if (Array.isArray(node.parameters))
    for (const parameter of node.parameters) if (isObject(parameter)) m.message(8, parameterMessage(parameter));
  if (isObject(node.responses)) {
    const responses = new Message();
    for (const [code, response] of Object.entries(node.responses)) {
      if (!isObject(response)) continue;
      const r = new Message().string(1, response.description);
      if (isObject(response.schema)) r.message(2, new Message().message(1, schemaMessage(response.schema)));
      responses.message(1, new Message().string(1, code).message(2, new Message().message(1, r)));
    }
    m.message(9, responses);
  }
  m.strings(10, node.schemes).bool(11, node.deprecated);
  vendorExtensions(m, 13, node);
  return m;
}

const PATH_ITEM_FIELDS: Record<(typeof METHODS)[number], number> = {
  get: 2,
  put: 3,
  post: 4,
  delete: 5,
  options: 6,
  head: 7,
  patch: 8,
};

/** The document as gnostic's openapi.v2.Document protobuf, the form kubectl reads. */
export function encodeSwaggerProtobuf(doc: SwaggerDocument): Uint8Array<ArrayBuffer> {
  const paths = new Message();
  for (const [path, item] of Object.entries(doc.paths)) {
    const m = new Message();
    for (const method of METHODS) {
      const operation = item[method];
      if (isObject(operation)) m.message(PATH_ITEM_FIELDS[method], operationMessage(operation));
    }
    if (Array.isArray(item.parameters))
      for (const parameter of item.parameters) if (isObject(parameter)) m.message(9, parameterMessage(parameter));
    vendorExtensions(m, 10, item);
    paths.message(2, new Message().string(1, path).message(2, m));
  }
  const definitions = new Message();
  for (const [name, schema] of Object.entries(doc.definitions))
    definitions.message(1, new Message().string(1, name).message(2, schemaMessage(schema)));
  return new Message()
    .string(1, doc.swagger)
    .message(2, new Message().string(1, doc.info.title).string(2, doc.info.version))
    .message(8, paths)
    .message(9, definitions)
    .finish();
}

// ---------------------------------------------------------------------------------------------------------------
// Serving

interface BuiltV2 {
  key: string;
  etag: string;
  document: SwaggerDocument;
  json?: string;
  protobuf?: Uint8Array<ArrayBuffer>;
}

/** Changes with the conversion, so that a new server never answers 304 for an old server's document. */
const CONVERSION = 'v2-conversion-1';

let cached: BuiltV2 | undefined;

/** The current v2 document, rebuilt only when a v3 document's hash (or the set of documents) changes. */
export function openApiV2(): BuiltV2 {
  const root = openApiRoot();
  const entries = Object.entries(root.paths).sort(([a], [b]) => a.localeCompare(b));
  const key = entries.map(([path, { serverRelativeURL }]) => `${path} ${serverRelativeURL}`).join('\n');
  if (cached?.key === key) return cached;
  const documents = entries.map(([path]) => JSON.parse(JSON.stringify(openApiDocument(path) ?? null)) as Json);
  const document = swaggerFromV3(documents);
  const etag = `"${createHash('sha512').update(`${CONVERSION}\n${key}`).digest('hex').slice(0, 32).toUpperCase()}"`;
  cached = { key, etag, document };
  return cached;
}

export type V2Format = 'json' | 'protobuf';

/**
 * The representation an Accept header asks for, as kube-openapi negotiates it: JSON or gnostic protobuf (in either
 * spelling), in the order and with the q-values given; `*` wildcards get JSON; undefined when nothing offered fits.
 */
export function negotiateV2(accept: string | null): V2Format | undefined {
  if (!accept || !accept.trim()) return 'json';
  const ranges = accept
    .split(',')
    .map((part, index) => {
      const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((r) => r.type && !(r.q <= 0) && !Number.isNaN(r.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { type } of ranges) {
    if (type === V2_PROTOBUF || type === V2_PROTOBUF_DEPRECATED) return 'protobuf';
    if (type === 'application/json' || type === 'application/*' || type === '*/*') return 'json';
  }
  return undefined;
}

/** The body and Content-Type of /openapi/v2 in `format`, with the ETag of the document. */
export function openApiV2Body(format: V2Format): {
  body: string | Uint8Array<ArrayBuffer>;
  contentType: string;
  etag: string;
} {
  const built = openApiV2();
  if (format === 'protobuf') {
    built.protobuf ??= encodeSwaggerProtobuf(built.document);
    return { body: built.protobuf, contentType: V2_PROTOBUF, etag: built.etag };
  }
  built.json ??= JSON.stringify(built.document);
  return { body: built.json, contentType: 'application/json', etag: built.etag };
}
