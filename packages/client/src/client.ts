import { BUILTIN_RESOURCES, type BuiltinTypes } from './generated/resources.ts';
import { ConnectionError, statusError, StatusError } from './errors.ts';
import { fetchTransport, readAll, type Transport, type TransportResponse } from './transport.ts';
import { ResourceApi } from './resource.ts';
import { EntroosApi } from './entroos.ts';
import type { KubeObject, ResourceInfo } from './types.ts';

export interface RetryOptions {
  /** Retries after a 429 or 503 (and, for GETs, after a connection error). Default 5; 0 turns retrying off. */
  retries?: number;
  /** First backoff when the server gives no Retry-After; doubles each time. Default 200 ms. */
  baseDelayMs?: number;
  /** Cap of one wait (Retry-After included). Default 30 s. */
  maxDelayMs?: number;
}

export interface ClientOptions {
  /** The server, e.g. https://entroos.example:3000; '' in a browser page served by EntroOS (same origin). */
  server: string;
  /** An API token (eos_…) or a service account token, sent as a bearer token. */
  token?: string;
  /** The namespace used when a call names none (default "default"). */
  namespace?: string;
  /** How requests are sent: fetch by default; `nodeTransport()` in Node for a CA and keep-alive pooling. */
  transport?: Transport;
  /** Browsers: send the dashboard's session cookie ('include' across origins, 'same-origin' otherwise). */
  credentials?: RequestCredentials;
  retry?: RetryOptions;
  headers?: Record<string, string>;
}

export type Query = Record<string, string | number | boolean | undefined | null | string[]>;

export interface RequestOptions {
  method?: string;
  path: string;
  query?: Query;
  /** An object (sent as JSON), or a string / bytes sent as they are with contentType. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  /** false: never retry this request (watches, log follows). */
  retry?: boolean;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function queryString(query?: Query): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The delay before retry number `attempt` (0-based): Retry-After plus up to 20% jitter, else capped full-jitter backoff. */
export function retryDelay(attempt: number, retryAfterSeconds: number | undefined, options: RetryOptions = {}): number {
  const max = options.maxDelayMs ?? 30_000;
  if (retryAfterSeconds !== undefined) {
    const base = retryAfterSeconds * 1000;
    return Math.min(max, base + Math.random() * Math.max(100, base * 0.2));
  }
  const ceiling = Math.min(max, (options.baseDelayMs ?? 200) * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * A client of EntroOS's Kubernetes API and its entroos.io APIs. Typed for every built-in resource
 * (`client.resource('pods')` is a ResourceApi<Pod>), generic for custom resources (`client.resource<CronTab>(
 * 'crontabs.stable.example.com')`). Errors are StatusError subclasses; 429 and 503 are retried.
 */
export class Client {
  readonly server: string;
  readonly namespace: string;
  readonly entroos: EntroosApi;
  private readonly transport: Transport;
  private readonly options: ClientOptions;
  private discovered?: Promise<ResourceInfo[]>;

  constructor(options: ClientOptions) {
    this.options = options;
    this.server = options.server.replace(/\/+$/, '');
    this.namespace = options.namespace ?? 'default';
    this.transport = options.transport ?? fetchTransport({ credentials: options.credentials });
    this.entroos = new EntroosApi(this);
  }

  /** Sends a request; answers the response when it is 2xx, else throws the typed error (after retries). */
  async send(req: RequestOptions): Promise<TransportResponse> {
    const method = req.method ?? 'GET';
    const url = `${this.server}${req.path}${queryString(req.query)}`;
    const headers: Record<string, string> = { accept: req.accept ?? 'application/json', ...this.options.headers };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let body: string | Uint8Array | undefined;
    if (req.body !== undefined) {
      if (typeof req.body === 'string' || req.body instanceof Uint8Array) body = req.body;
      else body = JSON.stringify(req.body);
      headers['content-type'] = req.contentType ?? 'application/json';
    }
    const retries = req.retry === false ? 0 : (this.options.retry?.retries ?? 5);
    for (let attempt = 0; ; attempt++) {
      let res: TransportResponse;
      try {
        res = await this.transport({ method, url, headers, body, signal: req.signal });
      } catch (err) {
        if (req.signal?.aborted) throw err;
        if (attempt < retries && (method === 'GET' || method === 'HEAD')) {
          await sleep(retryDelay(attempt, undefined, this.options.retry), req.signal);
          continue;
        }
        throw new ConnectionError(url.split('?')[0], err);
      }
      if (res.status < 400) return res;
      const text = new TextDecoder().decode(await readAll(res.body));
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: the text is the message
      }
      const error = statusError(res.status, parsed, res.header('retry-after'));
      if ((res.status === 429 || res.status === 503) && attempt < retries) {
        await sleep(retryDelay(attempt, error.retryAfterSeconds, this.options.retry), req.signal);
        continue;
      }
      throw error;
    }
  }

  /** Sends a request and parses the JSON answer. */
  async request<T = unknown>(req: RequestOptions): Promise<T> {
    const res = await this.send(req);
    const text = new TextDecoder().decode(await readAll(res.body));
    const type = res.header('content-type') ?? '';
    if (!text) return undefined as T;
    return (type.includes('json') ? JSON.parse(text) : text) as T;
  }

  /** Sends a request and answers the body as text (YAML exports, logs without follow). */
  async text(req: RequestOptions): Promise<string> {
    return new TextDecoder().decode(await readAll((await this.send(req)).body));
  }

  /** Sends a request and answers the body as bytes (backups). */
  async bytes(req: RequestOptions): Promise<{ data: Uint8Array; header: (name: string) => string | null }> {
    const res = await this.send(req);
    return { data: await readAll(res.body), header: res.header };
  }

  /** A resource's API: a built-in by plural, singular, short name or kind, or a custom resource once discovered. */
  resource<R extends keyof BuiltinTypes>(name: R): ResourceApi<BuiltinTypes[R]>;
  resource<T = KubeObject>(name: string | ResourceInfo): ResourceApi<T>;
  resource<T>(name: string | ResourceInfo): ResourceApi<T> {
    if (typeof name !== 'string') return new ResourceApi<T>(this, Promise.resolve(name));
    const builtin = findBuiltin(name);
    return new ResourceApi<T>(this, builtin ? Promise.resolve(builtin) : this.resolve(name));
  }

  /** Resolves a kubectl-style name (pods, pod, po, Pod, deployments.apps, crontabs.stable.example.com, ct). */
  async resolve(name: string): Promise<ResourceInfo> {
    const builtin = findBuiltin(name);
    if (builtin) return builtin;
    const found = matchResource(await this.discover(), name);
    if (found) return found;
    // A CRD may have been created since discovery: look once more.
    this.discovered = undefined;
    const again = matchResource(await this.discover(), name);
    if (again) return again;
    throw statusError(404, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: `the server doesn't have a resource type "${name}"`,
    });
  }

  /** Every resource the server serves (built-ins and custom resources), from discovery. */
  discover(): Promise<ResourceInfo[]> {
    this.discovered ??= discoverAll(this).catch((err: unknown) => {
      this.discovered = undefined;
      throw err;
    });
    return this.discovered;
  }
}

interface DiscoveryList {
  groupVersion: string;
  resources: {
    name: string;
    singularName?: string;
    namespaced: boolean;
    kind: string;
    shortNames?: string[];
    categories?: string[];
  }[];
}

async function discoverAll(client: Client): Promise<ResourceInfo[]> {
  const groups = await client.request<{
    groups: { name: string; preferredVersion?: { version: string }; versions: { version: string }[] }[];
  }>({
    path: '/apis',
  });
  const versions = ['/api/v1'];
  for (const g of groups.groups) {
    const preferred = g.preferredVersion?.version ?? g.versions[0]?.version;
    for (const v of g.versions)
      versions.push(v.version === preferred ? `/apis/${g.name}/${v.version}` : `/apis/${g.name}/${v.version}#other`);
  }
  // Preferred versions first, so a name resolves to the group's preferred version.
  versions.sort((a, b) => Number(a.endsWith('#other')) - Number(b.endsWith('#other')));
  const lists = await Promise.all(
    versions.map((path) =>
      client.request<DiscoveryList>({ path: path.replace('#other', '') }).catch((err: unknown) => {
        if (err instanceof StatusError && err.code === 404) return { groupVersion: '', resources: [] };
        throw err;
      }),
    ),
  );
  const out: ResourceInfo[] = [];
  for (const list of lists) {
    const [group, version] = list.groupVersion.includes('/') ? list.groupVersion.split('/') : ['', list.groupVersion];
    const subresources = new Map<string, string[]>();
    for (const r of list.resources) {
      const [main, sub] = r.name.split('/');
      if (sub) subresources.set(main, [...(subresources.get(main) ?? []), sub]);
    }
    for (const r of list.resources) {
      if (r.name.includes('/')) continue;
      out.push({
        group,
        version,
        plural: r.name,
        kind: r.kind,
        namespaced: r.namespaced,
        singular: r.singularName || r.kind.toLowerCase(),
        shortNames: r.shortNames ?? [],
        categories: r.categories,
        subresources: subresources.get(r.name) ?? [],
      });
    }
  }
  return out;
}

function matchResource(all: readonly ResourceInfo[], name: string): ResourceInfo | undefined {
  // "deployments.apps", "deployments.v1.apps", "crontabs.stable.example.com": a name with its group.
  const lower = name.toLowerCase();
  const direct = (r: ResourceInfo, n: string) =>
    r.plural === n || r.singular === n || r.kind.toLowerCase() === n || (r.shortNames ?? []).includes(n);
  const plain = all.find((r) => direct(r, lower));
  if (plain) return plain;
  const dot = lower.indexOf('.');
  if (dot < 0) return undefined;
  const head = lower.slice(0, dot);
  const rest = lower.slice(dot + 1);
  return all.find((r) => direct(r, head) && (r.group === rest || `${r.version}.${r.group}` === rest));
}

function findBuiltin(name: string): ResourceInfo | undefined {
  return matchResource(BUILTIN_RESOURCES, name);
}
