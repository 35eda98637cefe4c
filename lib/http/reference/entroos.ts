import '#server-only';
import { z } from 'zod';
import { can, ROLES, type Resource, type Verb } from '../../auth/rbac.ts';
import { createTokenSchema } from '../../auth/tokens.ts';
import { createUserSchema, updateUserSchema } from '../../auth/users.ts';
import { auditQuerySchema } from '../../audit/search.ts';
import { chaosSpecSchema } from '../../kubelet/chaos.ts';
import { imageMarkSchema } from '../../kubelet/runtime/image-marks.ts';
import { labRequestSchema } from '../../scheduler/lab.ts';
import { DEFAULT_SCHEDULER_CONFIG, schedulerConfigSchema } from '../../scheduler/profiles.ts';
import type { SchemaObject } from '../../apimachinery/schema.ts';
import { exampleValue, type Json } from '../../apiserver/openapi/examples.ts';
import {
  ERROR_RESPONSES,
  SECURITY,
  SECURITY_SCHEMES,
  type ReferenceDocument,
} from '../../apiserver/openapi/reference.ts';

// The entroos.io/v1 API (and the login) in the API reference. These routes are Next route handlers, not
// registry kinds, so they are listed here, one entry per exported handler: method, path, and the verb and
// resource its withAuth names (a unit test reads app/apis/entroos.io and fails when a route and this table
// disagree). Request bodies and query parameters come from the routes' own zod schemas where the routes export
// them; "who may" is derived from the built-in roles (lib/auth/rbac.ts), so it cannot drift from them either.

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface Body {
  schema: z.ZodType | SchemaObject;
  example?: Json;
  contentType?: string;
}

export interface Endpoint {
  method: Method;
  /** Under /apis/entroos.io/v1, unless it starts with "/". */
  path: string;
  /** What the route's withAuth authorizes; absent on public routes. */
  verb?: Verb;
  resource?: Resource;
  tag: string;
  summary: string;
  description?: string;
  /** A zod object schema (the route's own), or the parameters' schemas by name. */
  query?: z.ZodType | Record<string, SchemaObject>;
  body?: Body;
  /** The answer's media type (application/json unless said). */
  produces?: string;
  status?: number;
}

const BASE = '/apis/entroos.io/v1';
const int = (description: string, extra: SchemaObject = {}) => ({ type: 'integer', description, ...extra });
const str = (description: string, extra: SchemaObject = {}) => ({ type: 'string', description, ...extra });
const bool = (description: string) => ({ type: 'boolean', description });

const faultSchema: SchemaObject = {
  type: 'object',
  required: ['action'],
  properties: {
    action: {
      type: 'string',
      enum: ['stop-heartbeats', 'restore', 'partition', 'heal', 'slow-pulls', 'restore-pulls'],
    },
    bytesPerSecond: { type: 'integer', minimum: 1024, description: 'slow-pulls only' },
  },
};
const podFaultSchema: SchemaObject = {
  type: 'object',
  required: ['action'],
  properties: {
    action: { type: 'string', enum: ['fail', 'oom'] },
    container: { type: 'string', description: 'the first container when absent' },
  },
};
const verifySchema: SchemaObject = {
  type: 'object',
  description:
    '{ids} verifies those stored proofs, {} the oldest 1,000 stored, {proofs} proofs you send (circuit, proof, publicSignals).',
  properties: {
    ids: { type: 'array', items: { type: 'string' }, maxItems: 1000 },
    proofs: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        required: ['circuit', 'proof', 'publicSignals'],
        properties: { circuit: { type: 'string' }, proof: {}, publicSignals: {} },
      },
    },
  },
};

export const ENDPOINTS: Endpoint[] = [
  {
    method: 'post',
    path: '/api/login',
    tag: 'Authentication',
    summary: 'Log in with a password: a new API token',
    description:
      'Public. Answers a new API token (its secret shown once) with the Kubernetes endpoint and CA, as ' +
      '`npm run kubeconfig` and `entroos login` use it. Viewers cannot create tokens (403). Failed attempts are ' +
      'limited per address and account (429).',
    body: {
      schema: {
        type: 'object',
        required: ['username', 'password'],
        properties: {
          username: { type: 'string' },
          password: { type: 'string', format: 'password' },
          tokenName: { type: 'string', maxLength: 100, description: "the new token's name" },
          expiresInSeconds: { type: 'integer', minimum: 1, description: 'never expires when absent' },
        },
      },
      example: { username: 'admin', password: 'your password', tokenName: 'laptop' },
    },
    status: 201,
  },
  {
    method: 'get',
    path: 'whoami',
    verb: 'get',
    resource: 'whoami',
    tag: 'Authentication',
    summary: 'Who the caller is: name, role and how they authenticated',
  },
  {
    method: 'get',
    path: 'tokens',
    verb: 'list',
    resource: 'tokens',
    tag: 'Authentication',
    summary: "List API tokens (an admin sees everyone's)",
  },
  {
    method: 'post',
    path: 'tokens',
    verb: 'create',
    resource: 'tokens',
    tag: 'Authentication',
    summary: 'Create an API token (the secret is in the answer, once)',
    description: 'Admins may name another user in `username`; operators create tokens for themselves.',
    body: { schema: createTokenSchema, example: { name: 'ci', expiresInSeconds: 86400 } },
    status: 201,
  },
  {
    method: 'delete',
    path: 'tokens/{id}',
    verb: 'delete',
    resource: 'tokens',
    tag: 'Authentication',
    summary: 'Revoke an API token (it stops working at once)',
  },
  {
    method: 'post',
    path: 'kubeconfig',
    verb: 'create',
    resource: 'tokens',
    tag: 'Authentication',
    summary: 'A kubeconfig with a fresh API token',
    produces: 'application/yaml',
    status: 201,
  },
  {
    method: 'get',
    path: 'users',
    verb: 'list',
    resource: 'users',
    tag: 'Users',
    summary: 'List users',
  },
  {
    method: 'post',
    path: 'users',
    verb: 'create',
    resource: 'users',
    tag: 'Users',
    summary: 'Create a user',
    body: { schema: createUserSchema, example: { username: 'alice', password: 'a long passphrase', role: 'viewer' } },
    status: 201,
  },
  {
    method: 'patch',
    path: 'users/{id}',
    verb: 'patch',
    resource: 'users',
    tag: 'Users',
    summary: "Change a user's role, password or disabled state (ends their sessions)",
    body: { schema: updateUserSchema, example: { role: 'operator' } },
  },
  {
    method: 'get',
    path: 'proofs',
    verb: 'list',
    resource: 'proofs',
    tag: 'Proofs',
    summary: 'Placements with their proof id and status',
    query: {
      namespace: str('only pods in this namespace'),
      pod: str('only this pod'),
      node: str('only pods on this node'),
      status: str('proof status', { enum: ['proved', 'verified', 'invalid'] }),
      limit: int('at most this many (default 500)', { minimum: 1, maximum: 10000 }),
    },
  },
  {
    method: 'get',
    path: 'proofs/{id}',
    verb: 'get',
    resource: 'proofs',
    tag: 'Proofs',
    summary: 'One proof: circuit, verification key id, proof, public signals, placements',
  },
  {
    method: 'post',
    path: 'proofs/verify',
    verb: 'get',
    resource: 'proofs',
    tag: 'Proofs',
    summary: 'Verify proofs on the server in one batch',
    body: { schema: verifySchema, example: {} },
  },
  {
    method: 'get',
    path: 'proofs/export',
    verb: 'list',
    resource: 'proofs',
    tag: 'Proofs',
    summary: 'Every proof and the verification keys, for `npx entroos-verify FILE`',
    query: { limit: int('at most this many proofs (default 10,000)', { minimum: 1, maximum: 100000 }) },
  },
  {
    method: 'get',
    path: 'proofs/vkeys/{circuit}',
    verb: 'get',
    resource: 'proofs',
    tag: 'Proofs',
    summary: "A circuit's verification key",
  },
  {
    method: 'post',
    path: 'nodes/{name}/faults',
    verb: 'update',
    resource: 'nodes',
    tag: 'Nodes',
    summary: 'Inject or heal a node fault',
    body: { schema: faultSchema, example: { action: 'stop-heartbeats' } },
  },
  {
    method: 'post',
    path: 'namespaces/{namespace}/pods/{name}/faults',
    verb: 'update',
    resource: 'nodes',
    tag: 'Nodes',
    summary: "Fail or OOM-kill a pod's container",
    body: { schema: podFaultSchema, example: { action: 'fail' } },
  },
  {
    method: 'get',
    path: 'chaos',
    verb: 'get',
    resource: 'chaos',
    tag: 'Nodes',
    summary: 'Chaos mode: status and recent injections',
  },
  {
    method: 'put',
    path: 'chaos',
    verb: 'update',
    resource: 'chaos',
    tag: 'Nodes',
    summary: 'Start seeded chaos mode',
    body: { schema: chaosSpecSchema, example: { seed: 42, ratePerMinute: 6 } },
  },
  {
    method: 'delete',
    path: 'chaos',
    verb: 'delete',
    resource: 'chaos',
    tag: 'Nodes',
    summary: 'Stop chaos mode',
  },
  {
    method: 'get',
    path: 'history',
    verb: 'list',
    resource: 'nodes',
    tag: 'History',
    summary: "The cluster's history (what the overview charts)",
    query: { window: str('the span: a point per 10 s, 30 s or 10 min', { enum: ['15m', '1h', '24h'] }) },
  },
  {
    method: 'get',
    path: 'history/nodes',
    verb: 'list',
    resource: 'nodes',
    tag: 'History',
    summary: "Every node's latest sampled cpu and memory use",
  },
  {
    method: 'get',
    path: 'history/nodes/{name}',
    verb: 'get',
    resource: 'nodes',
    tag: 'History',
    summary: "One node's use over the last 15 minutes",
  },
  {
    method: 'get',
    path: 'rows/pods',
    verb: 'list',
    resource: 'pods',
    tag: 'Rows',
    summary: 'The pods table as compact rows, with the resourceVersion to watch from',
    query: {
      namespace: str('only this namespace'),
      labelSelector: str('a label selector'),
      fieldSelector: str('a field selector'),
    },
  },
  {
    method: 'get',
    path: 'rows/events',
    verb: 'list',
    resource: 'events',
    tag: 'Rows',
    summary: 'The newest events as compact rows',
    query: {
      namespace: str('only this namespace'),
      limit: int('at most this many (default 5,000)', { minimum: 1, maximum: 50000 }),
    },
  },
  {
    method: 'get',
    path: 'images',
    verb: 'list',
    resource: 'images',
    tag: 'Images',
    summary: "The mock registry's well-known images",
  },
  {
    method: 'get',
    path: 'images/marks',
    verb: 'list',
    resource: 'images',
    tag: 'Images',
    summary: 'Images marked missing or unauthorized',
  },
  {
    method: 'post',
    path: 'images/marks',
    verb: 'update',
    resource: 'images',
    tag: 'Images',
    summary: 'Mark an image missing or unauthorized ("none" clears)',
    body: { schema: imageMarkSchema, example: { image: 'example.com/private:1.0', mark: 'unauthorized' } },
  },
  {
    method: 'get',
    path: 'scheduler',
    verb: 'get',
    resource: 'scheduler',
    tag: 'Scheduler',
    summary: 'Scheduler status: configuration, queues, totals',
  },
  {
    method: 'get',
    path: 'scheduler/config',
    verb: 'get',
    resource: 'scheduler',
    tag: 'Scheduler',
    summary: 'The scheduler configuration (profiles and weights)',
  },
  {
    method: 'put',
    path: 'scheduler/config',
    verb: 'update',
    resource: 'scheduler',
    tag: 'Scheduler',
    summary: 'Replace the scheduler configuration',
    body: { schema: schedulerConfigSchema, example: DEFAULT_SCHEDULER_CONFIG as unknown as Json },
  },
  {
    method: 'delete',
    path: 'scheduler/config',
    verb: 'delete',
    resource: 'scheduler',
    tag: 'Scheduler',
    summary: 'Go back to the default scheduler configuration',
  },
  {
    method: 'get',
    path: 'scheduler/decisions',
    verb: 'list',
    resource: 'scheduler',
    tag: 'Scheduler',
    summary: 'Recent scheduling decisions with per-node scores',
    query: {
      pod: str('only this pod, as namespace/name'),
      limit: int('at most this many (default 50)', { minimum: 1, maximum: 200 }),
    },
  },
  {
    method: 'post',
    path: 'scheduler/lab',
    verb: 'create',
    resource: 'scheduler',
    tag: 'Scheduler',
    summary: 'The policy lab: replay one workload under several profiles',
    body: {
      schema: labRequestSchema,
      example: {
        profiles: ['entropy', 'pack'],
        seed: 1,
        generateNodes: { count: 4 },
        generateWorkload: { pods: 50 },
      },
    },
  },
  {
    method: 'get',
    path: 'audit/events',
    verb: 'list',
    resource: 'audit',
    tag: 'Audit',
    summary: 'Search the audit trail',
    query: auditQuerySchema,
  },
  {
    method: 'get',
    path: 'audit/verify',
    verb: 'get',
    resource: 'audit',
    tag: 'Audit',
    summary: "Verify the audit trail's hash chain and checkpoints",
  },
  {
    method: 'get',
    path: 'audit/export',
    verb: 'list',
    resource: 'audit',
    tag: 'Audit',
    summary: 'The whole chain as JSON lines, with its checkpoints',
    produces: 'application/x-ndjson',
  },
  {
    method: 'get',
    path: 'audit/compliance',
    verb: 'get',
    resource: 'audit',
    tag: 'Audit',
    summary: 'The compliance report',
    query: { format: str('json (default), csv or html', { enum: ['json', 'csv', 'html'] }) },
  },
  {
    method: 'get',
    path: 'backups',
    verb: 'list',
    resource: 'backups',
    tag: 'Backups',
    summary: 'Stored backups, newest first',
  },
  {
    method: 'post',
    path: 'backups',
    verb: 'create',
    resource: 'backups',
    tag: 'Backups',
    summary: 'Take a backup now (?download=true answers the file)',
    query: { download: bool('answer the backup file (application/gzip) instead of its manifest') },
    status: 201,
  },
  {
    method: 'get',
    path: 'backups/{name}',
    verb: 'get',
    resource: 'backups',
    tag: 'Backups',
    summary: 'Download a stored backup',
    produces: 'application/gzip',
  },
  {
    method: 'delete',
    path: 'backups/{name}',
    verb: 'delete',
    resource: 'backups',
    tag: 'Backups',
    summary: 'Delete a stored backup',
  },
  {
    method: 'post',
    path: 'restores',
    verb: 'create',
    resource: 'restores',
    tag: 'Backups',
    summary: 'Restore a backup (the file as the body, or ?backup=NAME)',
    query: {
      backup: str('a stored backup instead of a body'),
      dryRun: bool('check it and answer the diff, changing nothing'),
      trustKey: str("accept a backup signed by this other cluster's key id"),
    },
    body: { schema: { type: 'string', format: 'binary' }, contentType: 'application/gzip' },
  },
  {
    method: 'post',
    path: 'files/uploads',
    verb: 'create',
    resource: 'files.convert.entroos.io',
    tag: 'Files',
    summary: 'Start a resumable upload (tus 1.0.0: Upload-Length, Upload-Metadata filename)',
    description:
      'The file conversion app (docs/apps/convert.md). Answers 201 with Location; HEAD on it tells the offset to resume at, PATCH appends (application/offset+octet-stream), and the last PATCH answers the file digest in Upload-Digest. A length past the free quota is a 413. The upload belongs to its creator: a HEAD, PATCH or DELETE on it by any other user is a 403.',
    status: 201,
  },
  {
    method: 'patch',
    path: 'files/uploads/{id}',
    verb: 'create',
    resource: 'files.convert.entroos.io',
    tag: 'Files',
    summary: 'Append to an upload at Upload-Offset (tus); the last chunk answers Upload-Digest',
    body: { schema: { type: 'string', format: 'binary' }, contentType: 'application/offset+octet-stream' },
    status: 204,
  },
  {
    method: 'delete',
    path: 'files/uploads/{id}',
    verb: 'delete',
    resource: 'files.convert.entroos.io',
    tag: 'Files',
    summary: 'Drop an unfinished upload (tus termination)',
    status: 204,
  },
  {
    method: 'get',
    path: 'files/{digest}',
    verb: 'get',
    resource: 'files.convert.entroos.io',
    tag: 'Files',
    summary: 'Download a stored file by its digest (sha256:…), with its content type',
    description:
      'Readable by its uploaders, and by whoever may get files.convert.entroos.io in a namespace whose conversions or workflows name the file (as input or output; a cluster-wide grant covers every namespace). To anyone else it is a 404, as for a file that does not exist.',
    query: { download: bool('answer it as an attachment'), filename: str('the name to save it as') },
    produces: 'application/octet-stream',
  },
  {
    method: 'get',
    path: 'namespaces/{namespace}/conversions/{name}/verify',
    verb: 'get',
    resource: 'conversions.convert.entroos.io',
    tag: 'Files',
    summary: "Verify a conversion's output: digest, signed attestation, the pod's placement proof",
    description:
      'Answers a ConversionVerification; saved to a file, `npx entroos-verify FILE --file OUTPUT` checks it offline.',
  },
  {
    method: 'get',
    path: 'namespaces/{namespace}/export',
    verb: 'get',
    resource: 'backups',
    tag: 'Backups',
    summary: "A namespace's objects as YAML",
    query: { includeSecrets: bool('include Secrets') },
    produces: 'application/yaml',
  },
  {
    method: 'post',
    path: 'namespaces/{namespace}/import',
    verb: 'create',
    resource: 'backups',
    tag: 'Backups',
    summary: 'Apply a YAML stream in a namespace',
    body: {
      schema: { type: 'string' },
      contentType: 'application/yaml',
      example: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: example\ndata:\n  key: value\n',
    },
  },
  {
    method: 'get',
    path: 'reference',
    verb: 'get',
    resource: 'whoami',
    tag: 'Reference',
    summary: 'The groups this reference documents, with their documents’ URLs',
  },
  {
    method: 'get',
    path: 'reference/openapi',
    verb: 'get',
    resource: 'whoami',
    tag: 'Reference',
    summary: 'The whole API as one OpenAPI 3 document',
  },
  {
    method: 'get',
    path: 'reference/openapi/{group}/{version}',
    verb: 'get',
    resource: 'whoami',
    tag: 'Reference',
    summary: 'One group-version as an OpenAPI 3 document (core/v1, apps/v1, entroos.io/v1…)',
  },
  {
    method: 'get',
    path: 'reference/postman',
    verb: 'get',
    resource: 'whoami',
    tag: 'Reference',
    summary: 'A Postman collection (v2.1) of every operation',
  },
];

export const fullPath = (e: Endpoint) => (e.path.startsWith('/') ? e.path : `${BASE}/${e.path}`);

/** Who may call it, in the built-in roles' terms. */
export function whoMay(e: Endpoint): string {
  if (!e.verb || !e.resource) return 'public';
  const verb = e.verb;
  const resource = e.resource;
  const lowest = ROLES.find((role) => can(role, verb, resource));
  if (lowest === 'viewer') return 'any signed-in user';
  if (lowest === 'operator') return 'operators and admins';
  return 'admins';
}

const jsonSchemaOf = (schema: z.ZodType | SchemaObject): SchemaObject =>
  schema instanceof z.ZodType
    ? (z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' }) as SchemaObject)
    : schema;

function queryParameters(q: Endpoint['query']) {
  if (!q) return [];
  const properties = q instanceof z.ZodType ? (jsonSchemaOf(q).properties ?? {}) : q;
  return Object.entries(properties).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: 'query', ...(description ? { description } : {}), schema: rest };
  });
}

const pathParameters = (path: string) =>
  [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
    example: name === 'namespace' ? 'default' : undefined,
  }));

function operation(e: Endpoint) {
  const who = whoMay(e);
  const produces = e.produces ?? 'application/json';
  const okCode = String(e.status ?? 200);
  let requestBody: unknown;
  if (e.body) {
    const schema = jsonSchemaOf(e.body.schema);
    const example = e.body.example ?? (schema.type === 'string' ? undefined : exampleValue(schema, {}));
    requestBody = {
      required: true,
      content: {
        [e.body.contentType ?? 'application/json']: { schema, ...(example !== undefined ? { example } : {}) },
      },
    };
  }
  const path = fullPath(e);
  return {
    tags: [e.tag],
    summary: e.summary,
    description: `${e.description ? `${e.description}\n\n` : ''}Who: ${who}.`,
    operationId: `${e.method}${path
      .split('/')
      .filter((s) => s && s !== 'apis' && s !== 'entroos.io' && s !== 'v1')
      .map((s) => s.replace(/[{}]/g, ''))
      .map((s) => s[0].toUpperCase() + s.slice(1).replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase()))
      .join('')}`,
    'x-entroos-who': who,
    parameters: [...pathParameters(path), ...queryParameters(e.query)],
    ...(requestBody ? { requestBody } : {}),
    responses: {
      [okCode]: { description: okCode === '201' ? 'Created' : 'OK', content: { [produces]: { schema: {} } } },
      ...(e.verb
        ? {
            '401': { $ref: '#/components/responses/Unauthorized' },
            '403': { $ref: '#/components/responses/Forbidden' },
          }
        : {}),
      ...(e.body ? { '422': { $ref: '#/components/responses/Invalid' } } : {}),
    },
    ...(e.verb ? {} : { security: [] }),
  };
}

/** The entroos.io/v1 reference document. */
export function entroosReferenceDocument(): ReferenceDocument {
  const paths: ReferenceDocument['paths'] = {};
  for (const e of ENDPOINTS) {
    const path = fullPath(e);
    paths[path] = { ...(paths[path] ?? {}), [e.method]: operation(e) };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'EntroOS entroos.io/v1',
      version: 'v1',
      description:
        "EntroOS's own API: authentication and tokens, users, placement proofs, node faults and chaos, history, " +
        'the scheduler and its policy lab, the audit trail, backups, and this reference.',
    },
    tags: [...new Set(ENDPOINTS.map((e) => e.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: {
        'io.k8s.apimachinery.pkg.apis.meta.v1.Status': {
          type: 'object',
          description: 'A Kubernetes Status: every error answer.',
          properties: {
            kind: { type: 'string' },
            apiVersion: { type: 'string' },
            status: { type: 'string' },
            message: { type: 'string' },
            reason: { type: 'string' },
            code: { type: 'integer' },
            details: { type: 'object' },
          },
        },
      },
      securitySchemes: SECURITY_SCHEMES,
      responses: ERROR_RESPONSES,
    },
    security: SECURITY,
  };
}
