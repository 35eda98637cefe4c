// @entroos/client/node: what only Node can do — a node:http(s) transport with a keep-alive connection pool and the
// cluster's CA, and loading kubeconfig files (KUBECONFIG, ~/.kube/config).
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { Client, type ClientOptions } from './client.ts';
import type { Transport } from './transport.ts';

export * from './index.ts';

export interface NodeTransportOptions {
  /** PEM of the CA that signed the server's certificate (kubeconfig certificate-authority-data). */
  ca?: string;
  /** Skip verifying the server's certificate (kubeconfig insecure-skip-tls-verify). */
  insecureSkipTLSVerify?: boolean;
  /** Sockets kept per host (default 16). */
  maxSockets?: number;
  /** Keep idle sockets for reuse (default true). */
  keepAlive?: boolean;
}

/** A transport over node:http/https with one keep-alive Agent per client: connections are pooled and reused. */
export function nodeTransport(options: NodeTransportOptions = {}): Transport & { close(): void } {
  const common = { keepAlive: options.keepAlive ?? true, maxSockets: options.maxSockets ?? 16 };
  const http = new HttpAgent(common);
  const https = new HttpsAgent({
    ...common,
    ...(options.ca ? { ca: options.ca } : {}),
    rejectUnauthorized: !options.insecureSkipTLSVerify,
  });
  const transport: Transport = (req) =>
    new Promise((resolve, reject) => {
      const url = new URL(req.url);
      const secure = url.protocol === 'https:';
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body !== undefined)
        headers['content-length'] = typeof req.body === 'string' ? Buffer.byteLength(req.body) : req.body.byteLength;
      const request = (secure ? httpsRequest : httpRequest)(
        url,
        { method: req.method, headers, agent: secure ? https : http, signal: req.signal },
        (res) =>
          resolve({
            status: res.statusCode ?? 0,
            header: (name) => {
              const value = res.headers[name.toLowerCase()];
              return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
            },
            body: res,
          }),
      );
      request.on('error', reject);
      if (req.body !== undefined) request.write(req.body);
      request.end();
    });
  return Object.assign(transport, {
    close: () => {
      http.destroy();
      https.destroy();
    },
  });
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
  clusters?: {
    name: string;
    cluster: {
      server: string;
      'certificate-authority-data'?: string;
      'certificate-authority'?: string;
      'insecure-skip-tls-verify'?: boolean;
    };
  }[];
  users?: { name: string; user: { token?: string; tokenFile?: string } }[];
}

export interface Kubeconfig {
  context: string;
  server: string;
  token?: string;
  ca?: string;
  namespace?: string;
  insecureSkipTLSVerify?: boolean;
}

/** The kubeconfig files in effect: $KUBECONFIG (a path list) or ~/.kube/config. */
export function kubeconfigPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  return env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(homedir(), '.kube', 'config')];
}

/** Reads a kubeconfig (merged over KUBECONFIG's paths as kubectl merges: the first to set a name wins). */
export function loadKubeconfig(options: { paths?: string[]; context?: string } = {}): Kubeconfig {
  const merged: Required<Pick<KubeconfigFile, 'contexts' | 'clusters' | 'users'>> & { current?: string } = {
    contexts: [],
    clusters: [],
    users: [],
  };
  const paths = options.paths ?? kubeconfigPaths();
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const file = (parse(text) ?? {}) as KubeconfigFile;
    merged.current ??= file['current-context'];
    for (const key of ['contexts', 'clusters', 'users'] as const)
      for (const item of file[key] ?? [])
        if (!(merged[key] as { name: string }[]).some((i) => i.name === item.name))
          (merged[key] as { name: string }[]).push(item);
  }
  const name = options.context ?? merged.current ?? merged.contexts[0]?.name;
  const context = merged.contexts.find((c) => c.name === name)?.context;
  if (!context) throw new Error(`no kubeconfig context${name ? ` "${name}"` : ''} in ${paths.join(', ')}`);
  const cluster = merged.clusters.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster) throw new Error(`kubeconfig context "${name}" names a missing cluster "${context.cluster}"`);
  const user = merged.users.find((u) => u.name === context.user)?.user ?? {};
  const caData = cluster['certificate-authority-data'];
  return {
    context: name ?? '',
    server: cluster.server,
    token: user.token ?? (user.tokenFile ? readFileSync(user.tokenFile, 'utf8').trim() : undefined),
    ca: caData
      ? Buffer.from(caData, 'base64').toString('utf8')
      : cluster['certificate-authority']
        ? readFileSync(cluster['certificate-authority'], 'utf8')
        : undefined,
    namespace: context.namespace,
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'],
  };
}

/** A Client for a kubeconfig's context (default: the current one), with a keep-alive Node transport. */
export function clientFromKubeconfig(
  options: { paths?: string[]; context?: string } & Omit<ClientOptions, 'server'> = {},
): Client {
  const config = loadKubeconfig(options);
  return new Client({
    ...options,
    server: config.server,
    token: options.token ?? config.token,
    namespace: options.namespace ?? config.namespace,
    transport:
      options.transport ?? nodeTransport({ ca: config.ca, insecureSkipTLSVerify: config.insecureSkipTLSVerify }),
  });
}
