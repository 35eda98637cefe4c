import type { Client, Query } from './client.ts';
import { statusError } from './errors.ts';
import { lines } from './transport.ts';
import type { ObjectList, ResourceInfo, Table, WatchEvent } from './types.ts';
import type { Scale, Status } from './generated/kinds.ts';

export interface ListOptions {
  /** Omitted for a namespaced resource: every namespace. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  signal?: AbortSignal;
}

export interface WatchOptions extends Omit<ListOptions, 'limit' | 'continue'> {
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  /** Only this object. */
  name?: string;
}

export interface WriteOptions {
  namespace?: string;
  dryRun?: boolean;
  fieldManager?: string;
  signal?: AbortSignal;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';
const PATCH_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
}

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

type Named = { metadata?: { name?: string; namespace?: string } };

/** One resource's verbs. T is the object type (Pod, Deployment…, or KubeObject for custom resources). */
export class ResourceApi<T> {
  constructor(
    private readonly client: Client,
    /** The resource, resolved through discovery for names that are not built in. */
    readonly info: Promise<ResourceInfo>,
  ) {}

  /** The collection or object path; `namespace` is ignored for cluster-scoped resources. */
  async path(namespace?: string, name?: string, subresource?: string): Promise<string> {
    const r = await this.info;
    let path = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    if (r.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
    path += `/${r.plural}`;
    if (name !== undefined) path += `/${encodeURIComponent(name)}`;
    if (subresource) path += `/${subresource}`;
    return path;
  }

  private ns(namespace: string | undefined, object?: Named): string {
    return namespace ?? object?.metadata?.namespace ?? this.client.namespace;
  }

  private listQuery(o: ListOptions): Query {
    return { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, limit: o.limit, continue: o.continue };
  }

  async list(options: ListOptions = {}): Promise<ObjectList<T>> {
    return this.client.request({
      path: await this.path(options.namespace),
      query: this.listQuery(options),
      signal: options.signal,
    });
  }

  /** Every page of a list (follows `continue`). */
  async listAll(options: Omit<ListOptions, 'continue'> = {}): Promise<ObjectList<T>> {
    const first = await this.list({ limit: 500, ...options });
    let next = first.metadata.continue;
    while (next) {
      const page = await this.list({ limit: 500, ...options, continue: next });
      first.items.push(...page.items);
      next = page.metadata.continue;
    }
    first.metadata.continue = undefined;
    return first;
  }

  /**
   * The list as the server renders it for kubectl (columns and rows). Each row carries its object's metadata unless
   * `includeObject: 'None'` — a tenth of the bytes for pods, whose managed fields are most of their metadata.
   */
  async table(options: ListOptions & { name?: string; includeObject?: 'None' | 'Metadata' } = {}): Promise<Table> {
    return this.client.request({
      path: await this.path(options.namespace, options.name),
      query: { ...this.listQuery(options), includeObject: options.includeObject ?? 'Metadata' },
      accept: TABLE_ACCEPT,
      signal: options.signal,
    });
  }

  async get(name: string, options: { namespace?: string; signal?: AbortSignal } = {}): Promise<T> {
    return this.client.request({ path: await this.path(this.ns(options.namespace), name), signal: options.signal });
  }

  async create(object: T, options: WriteOptions = {}): Promise<T> {
    return this.client.request({
      method: 'POST',
      path: await this.path(this.ns(options.namespace, object as Named)),
      query: writeQuery(options),
      body: object,
      signal: options.signal,
    });
  }

  /** PUT: replaces the object (a stale metadata.resourceVersion is a ConflictError). */
  async update(object: T, options: WriteOptions = {}): Promise<T> {
    const name = (object as Named).metadata?.name ?? '';
    return this.client.request({
      method: 'PUT',
      path: await this.path(this.ns(options.namespace, object as Named), name),
      query: writeQuery(options),
      body: object,
      signal: options.signal,
    });
  }

  async updateStatus(object: T, options: WriteOptions = {}): Promise<T> {
    const name = (object as Named).metadata?.name ?? '';
    return this.client.request({
      method: 'PUT',
      path: await this.path(this.ns(options.namespace, object as Named), name, 'status'),
      query: writeQuery(options),
      body: object,
      signal: options.signal,
    });
  }

  async patch(
    name: string,
    patch: unknown,
    options: WriteOptions & { type?: PatchType; force?: boolean; subresource?: string } = {},
  ): Promise<T> {
    const type = options.type ?? 'merge';
    return this.client.request({
      method: 'PATCH',
      path: await this.path(this.ns(options.namespace), name, options.subresource),
      query: { ...writeQuery(options), force: options.force },
      body: typeof patch === 'string' ? patch : JSON.stringify(patch),
      contentType: PATCH_TYPES[type],
      signal: options.signal,
    });
  }

  /** Server-side apply (fieldManager defaults to "entroos"). */
  async apply(object: T, options: WriteOptions & { force?: boolean } = {}): Promise<T> {
    const name = (object as Named).metadata?.name ?? '';
    return this.patch(name, object, {
      ...options,
      namespace: this.ns(options.namespace, object as Named),
      type: 'apply',
      fieldManager: options.fieldManager ?? 'entroos',
    });
  }

  async delete(name: string, options: DeleteOptions = {}): Promise<T | Status> {
    return this.client.request({
      method: 'DELETE',
      path: await this.path(this.ns(options.namespace), name),
      query: {
        ...writeQuery(options),
        propagationPolicy: options.propagationPolicy,
        gracePeriodSeconds: options.gracePeriodSeconds,
      },
      signal: options.signal,
    });
  }

  async getScale(name: string, options: { namespace?: string } = {}): Promise<Scale> {
    return this.client.request({ path: await this.path(this.ns(options.namespace), name, 'scale') });
  }

  async scale(name: string, replicas: number, options: WriteOptions = {}): Promise<Scale> {
    return this.client.request({
      method: 'PATCH',
      path: await this.path(this.ns(options.namespace), name, 'scale'),
      query: writeQuery(options),
      body: JSON.stringify({ spec: { replicas } }),
      contentType: PATCH_TYPES.merge,
      signal: options.signal,
    });
  }

  /**
   * A watch as an async iterator of events. It ends when the server ends the watch (timeoutSeconds); an ERROR
   * event is thrown as its typed error (a GoneError for 410: list again). Break out of the loop, or abort
   * `signal`, to stop it.
   */
  watch(options: WatchOptions = {}): AsyncGenerator<WatchEvent<T>, void, undefined> {
    return this.events<T>(options, 'application/json');
  }

  /** A watch whose events carry the server's Table rendering of each object (what `kubectl get -w` prints). */
  watchTable(options: WatchOptions = {}): AsyncGenerator<WatchEvent<Table>, void, undefined> {
    return this.events<Table>(options, TABLE_ACCEPT);
  }

  private async *events<E>(options: WatchOptions, accept: string): AsyncGenerator<WatchEvent<E>, void, undefined> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.client.send({
        path: await this.path(options.namespace),
        query: {
          watch: 'true',
          resourceVersion: options.resourceVersion,
          allowWatchBookmarks: options.allowWatchBookmarks ?? true,
          timeoutSeconds: options.timeoutSeconds,
          labelSelector: options.labelSelector,
          fieldSelector: options.name ? `metadata.name=${options.name}` : options.fieldSelector,
        },
        signal: controller.signal,
        accept,
        retry: false,
      });
      for await (const line of lines(res.body)) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as { type: string; object: unknown };
        if (event.type === 'ERROR') {
          const status = event.object as Status;
          throw statusError(status.code ?? 500, status);
        }
        yield event as WatchEvent<E>;
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }
}

function writeQuery(o: WriteOptions): Query {
  return { dryRun: o.dryRun ? 'All' : undefined, fieldManager: o.fieldManager };
}
