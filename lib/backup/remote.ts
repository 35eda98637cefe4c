import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parse } from 'yaml';
import type { StoredBackup } from './directory.ts';
import type { ImportResult } from './namespace-yaml.ts';
import type { RestoreReport } from './restore.ts';

// The backup API as a client calls it (scripts/backup.ts now, the `entroos` CLI later): a server URL and an API
// token, from ENTROOS_URL / ENTROOS_TOKEN or a kubeconfig of `npm run kubeconfig` (its CA is trusted for https).

export interface Connection {
  url: string;
  token: string;
  /** PEM of the CA that signed the server's certificate (a kubeconfig's certificate-authority-data). */
  ca?: string;
}

export class RemoteError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

interface KubeconfigShape {
  clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
  users?: { user?: { token?: string } }[];
}

/** The server, token and CA of a kubeconfig's first cluster and user. */
export function connectionFromKubeconfig(text: string): Connection {
  const config = parse(text) as KubeconfigShape;
  const cluster = config.clusters?.[0]?.cluster;
  const token = config.users?.[0]?.user?.token;
  if (!cluster?.server || !token) throw new Error('the kubeconfig has no cluster server or user token');
  const ca = cluster['certificate-authority-data'];
  return { url: cluster.server, token, ca: ca ? Buffer.from(ca, 'base64').toString('utf8') : undefined };
}

function send(
  conn: Connection,
  method: string,
  path: string,
  body?: Buffer | string,
  type?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const target = new URL(path, conn.url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method,
        headers: {
          authorization: `Bearer ${conn.token}`,
          accept: 'application/json, application/gzip, application/yaml',
          ...(body !== undefined
            ? { 'content-type': type ?? 'application/octet-stream', 'content-length': Buffer.byteLength(body) }
            : {}),
        },
        ...(conn.ca ? { ca: conn.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', (err) => reject(new RemoteError(0, `cannot reach ${conn.url}: ${err.message}`)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function call(conn: Connection, method: string, path: string, body?: Buffer | string, type?: string) {
  const res = await send(conn, method, path, body, type);
  if (res.status >= 400) {
    let message = res.body.toString('utf8').slice(0, 500);
    try {
      message = (JSON.parse(res.body.toString('utf8')) as { message?: string }).message ?? message;
    } catch {
      // not a Status: the text as it came
    }
    throw new RemoteError(res.status, `${res.status}: ${message}`);
  }
  return res;
}

const API = '/apis/entroos.io/v1';

export function backupClient(conn: Connection) {
  return {
    /** Takes a backup on the server (stored there too) and returns the file. */
    create: async (): Promise<{ name: string; file: Buffer }> => {
      const res = await call(conn, 'POST', `${API}/backups?download=true`);
      return { name: String(res.headers['x-entroos-backup-name'] ?? 'backup.tar.gz'), file: res.body };
    },
    list: async (): Promise<StoredBackup[]> =>
      (JSON.parse((await call(conn, 'GET', `${API}/backups`)).body.toString('utf8')) as { items: StoredBackup[] })
        .items,
    download: async (name: string): Promise<Buffer> =>
      (await call(conn, 'GET', `${API}/backups/${encodeURIComponent(name)}`)).body,
    restore: async (file: Buffer, options: { dryRun: boolean; trustKeyIds?: string[] }): Promise<RestoreReport> => {
      const query = new URLSearchParams({ dryRun: String(options.dryRun) });
      for (const id of options.trustKeyIds ?? []) query.append('trustKey', id);
      const res = await call(conn, 'POST', `${API}/restores?${query}`, file, 'application/gzip');
      return JSON.parse(res.body.toString('utf8')) as RestoreReport;
    },
    exportNamespace: async (namespace: string, includeSecrets = false): Promise<string> =>
      (
        await call(
          conn,
          'GET',
          `${API}/namespaces/${encodeURIComponent(namespace)}/export${includeSecrets ? '?includeSecrets=true' : ''}`,
        )
      ).body.toString('utf8'),
    importNamespace: async (namespace: string, yaml: string): Promise<{ failed: number; items: ImportResult[] }> =>
      JSON.parse(
        (
          await call(
            conn,
            'POST',
            `${API}/namespaces/${encodeURIComponent(namespace)}/import`,
            yaml,
            'application/yaml',
          )
        ).body.toString('utf8'),
      ) as { failed: number; items: ImportResult[] },
  };
}

/** A restore report as lines for a terminal: the backup, then added / changed / removed per kind. */
export function reportLines(report: RestoreReport, { names = 5 } = {}): string[] {
  const b = report.backup;
  const lines = [
    `backup of ${b.createdAt} at resourceVersion ${b.resourceVersion} (EntroOS ${b.entroosVersion}, from ${b.sourceDatabase}, signed by ${b.signerKeyId})`,
  ];
  const verb = report.dryRun ? 'would' : 'did';
  for (const [kind, d] of Object.entries(report.diff)) {
    if (!d.added.length && !d.changed.length && !d.removed.length) continue;
    const show = (label: string, list: string[]) =>
      list.length
        ? `  ${label} ${list.length}: ${list.slice(0, names).join(', ')}${list.length > names ? `, … (${list.length - names} more)` : ''}`
        : '';
    lines.push(`${kind}: +${d.added.length} ~${d.changed.length} -${d.removed.length} (=${d.unchanged})`);
    for (const l of [show('added', d.added), show('changed', d.changed), show('removed', d.removed)])
      if (l) lines.push(l);
  }
  const t = report.totals;
  lines.push(
    `${report.dryRun ? 'dry run: ' : ''}${verb} add ${t.added}, change ${t.changed}, remove ${t.removed}; ${t.unchanged} unchanged${report.resourceVersion ? `; the cluster is at resourceVersion ${report.resourceVersion}` : ''}`,
  );
  return lines;
}
