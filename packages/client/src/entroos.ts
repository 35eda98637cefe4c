import type { Client } from './client.ts';
import type {
  ImportReport,
  LabRequest,
  LabRun,
  PlacementList,
  ProofExport,
  ProofRecord,
  RestoreReport,
  SchedulerStatus,
  SchedulingDecision,
  StoredBackup,
  VerifyResult,
} from './generated/entroos.ts';
import { lines } from './transport.ts';

// The entroos.io/v1 APIs (docs/api.md "EntroOS endpoints"): scheduling decisions, the policy lab, proofs,
// history, logs, backups, namespace export/import, the audit trail, chaos and node faults. Their request and
// response types are generated from the server's own definitions (scripts/entroos-types.ts), never typed here.
export type * from './generated/entroos.ts';

const API = '/apis/entroos.io/v1';

export interface LogOptions {
  namespace?: string;
  container?: string;
  follow?: boolean;
  tailLines?: number;
  previous?: boolean;
  timestamps?: boolean;
  signal?: AbortSignal;
}

export class EntroosApi {
  constructor(private readonly client: Client) {}

  private get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
    return this.client.request<T>({ path: `${API}${path}`, query });
  }

  private post<T>(path: string, body?: unknown, query?: Record<string, string | undefined>): Promise<T> {
    return this.client.request<T>({ method: 'POST', path: `${API}${path}`, body, query });
  }

  whoami() {
    return this.get<{ username: string; role: string; via: string }>('/whoami');
  }

  /** Scheduling decisions: one pod's ("namespace/name" or uid) latest, or the recent ones. */
  readonly scheduler = {
    decision: (pod: string) => this.get<SchedulingDecision>('/scheduler/decisions', { pod }),
    decisions: (limit = 50) =>
      this.get<{ items: SchedulingDecision[] }>('/scheduler/decisions', { limit }).then((l) => l.items),
    status: () => this.get<SchedulerStatus>('/scheduler'),
  };

  /** The policy lab: replays a workload under several profiles in isolated clusters. */
  readonly lab = {
    run: (request: LabRequest) => this.post<LabRun>('/scheduler/lab', request).then((r) => r.results),
  };

  readonly proofs = {
    list: (query: { namespace?: string; pod?: string; node?: string; status?: string; limit?: number } = {}) =>
      this.get<PlacementList>('/proofs', query),
    get: (id: string) => this.get<ProofRecord>(`/proofs/${encodeURIComponent(id)}`),
    /** Verifies stored proofs on the server ({ids}, or the oldest 1,000 when none are named). */
    verify: (ids?: string[]) => this.post<VerifyResult>('/proofs/verify', ids ? { ids } : {}),
    /** Every proof plus the verification keys, for offline checking (`npx entroos-verify FILE`). */
    export: (limit?: number) => this.get<ProofExport>('/proofs/export', { limit }),
  };

  /** The cluster history the overview charts (window 15m, 1h or 24h), and nodes' sampled usage. */
  readonly history = {
    cluster: (window: '15m' | '1h' | '24h' = '15m') => this.get<Record<string, unknown>>('/history', { window }),
    nodes: () => this.get<{ items: Record<string, unknown>[] }>('/history/nodes'),
    node: (name: string) => this.get<Record<string, unknown>>(`/history/nodes/${encodeURIComponent(name)}`),
  };

  readonly backups = {
    list: () => this.get<{ items: StoredBackup[] }>('/backups').then((l) => l.items),
    /** Takes a backup (stored on the server too) and returns the file. */
    create: async () => {
      const res = await this.client.bytes({ method: 'POST', path: `${API}/backups`, query: { download: 'true' } });
      return { name: res.header('x-entroos-backup-name') ?? 'entroos-backup.tar.gz', file: res.data };
    },
    download: async (name: string) =>
      (await this.client.bytes({ path: `${API}/backups/${encodeURIComponent(name)}` })).data,
    restore: (file: Uint8Array, options: { dryRun?: boolean; trustKeyIds?: string[] } = {}) =>
      this.client.request<RestoreReport>({
        method: 'POST',
        path: `${API}/restores`,
        query: { dryRun: String(options.dryRun ?? false), trustKey: options.trustKeyIds },
        body: file,
        contentType: 'application/gzip',
      }),
  };

  readonly namespaces = {
    export: (namespace: string, options: { includeSecrets?: boolean } = {}) =>
      this.client.text({
        path: `${API}/namespaces/${encodeURIComponent(namespace)}/export`,
        query: { includeSecrets: options.includeSecrets ? 'true' : undefined },
        accept: 'application/yaml',
      }),
    import: (namespace: string, yaml: string) =>
      this.client.request<ImportReport>({
        method: 'POST',
        path: `${API}/namespaces/${encodeURIComponent(namespace)}/import`,
        body: yaml,
        contentType: 'application/yaml',
      }),
  };

  readonly audit = {
    verify: () => this.get<{ ok: boolean; [field: string]: unknown }>('/audit/verify'),
  };

  readonly chaos = {
    status: () => this.get<Record<string, unknown>>('/chaos'),
    start: (spec: Record<string, unknown>) =>
      this.client.request<Record<string, unknown>>({ method: 'PUT', path: `${API}/chaos`, body: spec }),
    stop: () => this.client.request<Record<string, unknown>>({ method: 'DELETE', path: `${API}/chaos` }),
    nodeFault: (node: string, action: string, extra: Record<string, unknown> = {}) =>
      this.post<Record<string, unknown>>(`/nodes/${encodeURIComponent(node)}/faults`, { action, ...extra }),
  };

  /** A pod's log, line by line; with follow it goes on until the container ends or `signal` aborts. */
  async *logs(pod: string, options: LogOptions = {}): AsyncGenerator<string, void, undefined> {
    const namespace = options.namespace ?? this.client.namespace;
    const res = await this.client.send({
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
      query: {
        container: options.container,
        follow: options.follow ? 'true' : undefined,
        tailLines: options.tailLines,
        previous: options.previous ? 'true' : undefined,
        timestamps: options.timestamps ? 'true' : undefined,
      },
      accept: 'text/plain, */*',
      signal: options.signal,
      retry: !options.follow,
    });
    yield* lines(res.body);
  }
}
