import type { Client } from './client.ts';
import { lines } from './transport.ts';

// The entroos.io/v1 APIs (docs/api.md "EntroOS endpoints"): scheduling decisions, the policy lab, proofs,
// history, logs, backups, namespace export/import, the audit trail, chaos and node faults.

const API = '/apis/entroos.io/v1';

export interface CandidateScore {
  node: string;
  score: number;
  entropyAfter?: number;
}

export interface NodeDetail {
  node: string;
  feasible: boolean;
  plugin?: string;
  reason?: string;
  scores?: Record<string, { raw: number; normalized: number; weight: number }>;
  total?: number;
  entropyAfter?: number;
}

/** Why a pod went where it went (or did not): per-plugin scores, filtered nodes with reasons, entropy. */
export interface SchedulingDecision {
  pod: string;
  uid: string;
  profile: string;
  at: string;
  result: 'Scheduled' | 'Unschedulable' | 'Error';
  node?: string;
  message: string;
  nodes: number;
  evaluated: number;
  feasible: number;
  filterReasons: Record<string, number>;
  top: CandidateScore[];
  entropyBefore: number;
  entropyAfter?: number;
  durationMs: number;
  nominatedNode?: string;
  /** Per-node detail while the decision is recent. */
  detail?: NodeDetail[];
}

export interface LabNode {
  name: string;
  cpu: string;
  memory: string;
  pods?: string;
  labels?: Record<string, string>;
}
export interface LabPod {
  atMs: number;
  name: string;
  cpu?: string;
  memory?: string;
  priority?: number;
}
export interface LabRequest {
  profiles: string[];
  seed?: number;
  nodes?: LabNode[];
  generateNodes?: { count: number };
  workload?: LabPod[];
  generateWorkload?: { pods: number; durationMs?: number };
  sampleEveryMs?: number;
}
export interface LabSample {
  atMs: number;
  entropy: number;
  utilisationStdDev: number;
  pending: number;
  nodesUsed: number;
  scheduled: number;
}
export interface LabResult {
  profile: string;
  samples: LabSample[];
  final: LabSample;
  podsPerSecond: number;
}

export interface Placement {
  bindingId: string;
  podUid: string;
  namespace: string;
  name: string;
  node: string;
  commitment: string;
  createdAt: string;
  batchId: string;
  batch: { id: string; circuit: string; status: 'proved' | 'verified' | 'invalid'; proveMs: number };
}
export interface PlacementList {
  counts: Record<string, number>;
  queued: number;
  items: Placement[];
}
export interface VerifyResult {
  valid: boolean;
  verified: string[];
  invalid: string[];
}

export interface BackupManifest {
  resourceVersion: string;
  createdAt: string;
  counts: Record<string, number>;
  [field: string]: unknown;
}
export interface StoredBackup {
  name: string;
  bytes: number;
  manifest?: BackupManifest;
  error?: string;
}
export interface KindDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
}
export interface RestoreReport {
  dryRun: boolean;
  backup: {
    createdAt: string;
    resourceVersion: string;
    entroosVersion: string;
    sourceDatabase: string;
    signerKeyId: string;
  };
  diff: Record<string, KindDiff>;
  totals: { added: number; changed: number; removed: number; unchanged: number };
  resourceVersion?: string;
}
export interface ImportItem {
  index: number;
  kind?: string;
  name?: string;
  result?: string;
  status?: { message?: string };
}

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
    status: () => this.get<Record<string, unknown>>('/scheduler'),
  };

  /** The policy lab: replays a workload under several profiles in isolated clusters. */
  readonly lab = {
    run: (request: LabRequest) =>
      this.post<{ seed: number; results: LabResult[] }>('/scheduler/lab', request).then((r) => r.results),
  };

  readonly proofs = {
    list: (query: { namespace?: string; pod?: string; node?: string; status?: string; limit?: number } = {}) =>
      this.get<PlacementList>('/proofs', query),
    get: (id: string) => this.get<Record<string, unknown>>(`/proofs/${encodeURIComponent(id)}`),
    /** Verifies stored proofs on the server ({ids}, or the oldest 1,000 when none are named). */
    verify: (ids?: string[]) => this.post<VerifyResult>('/proofs/verify', ids ? { ids } : {}),
    /** Every proof plus the verification keys, for offline checking (`npx entroos-verify FILE`). */
    export: (limit?: number) => this.get<Record<string, unknown>>('/proofs/export', { limit }),
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
      this.client.request<{ failed: number; items: ImportItem[] }>({
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
