// ~/.config/entroos/config.yaml: named contexts (server, CA, token, namespace) written by `entroos login`.
// Without it the CLI reads a kubeconfig ($KUBECONFIG or ~/.kube/config) as kubectl does.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Client } from '@entroos/client';
import { loadKubeconfig, nodeTransport } from '@entroos/client/node';
import { UsageError } from './errors.js';

export interface Context {
  name: string;
  server: string;
  token?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  namespace?: string;
  user?: string;
}

export interface ConfigFile {
  'current-context'?: string;
  contexts: Context[];
}

export interface GlobalOptions {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  server?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ENTROOS_CONFIG) return env.ENTROOS_CONFIG;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'entroos', 'config.yaml');
}

export function readConfig(): ConfigFile | undefined {
  const path = configPath();
  if (!existsSync(path)) return undefined;
  const parsed = (parse(readFileSync(path, 'utf8')) ?? {}) as Partial<ConfigFile>;
  return { ...parsed, contexts: parsed.contexts ?? [] };
}

export function writeConfig(config: ConfigFile): string {
  const path = configPath();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}

export interface Connection {
  client: Client;
  namespace: string;
  source: string;
}

/**
 * The server to talk to: --server/--token (or ENTROOS_URL/ENTROOS_TOKEN); --kubeconfig FILE; the entroos config's
 * context (--context or current); else $KUBECONFIG / ~/.kube/config.
 */
export function connect(options: GlobalOptions): Connection {
  const make = (
    server: string,
    token: string | undefined,
    ca: string | undefined,
    insecure: boolean | undefined,
    namespace: string | undefined,
    source: string,
  ) => {
    const ns = options.namespace ?? namespace ?? 'default';
    return {
      client: new Client({
        server,
        token,
        namespace: ns,
        transport: nodeTransport({
          ca,
          insecureSkipTLSVerify: insecure || options.insecureSkipTlsVerify,
          maxSockets: 8,
        }),
        headers: { 'user-agent': 'entroos-cli/0.1.0' },
      }),
      namespace: ns,
      source,
    };
  };
  const server = options.server ?? process.env.ENTROOS_URL;
  if (server)
    return make(server, options.token ?? process.env.ENTROOS_TOKEN, undefined, undefined, undefined, '--server');
  if (!options.kubeconfig) {
    const config = readConfig();
    if (config && config.contexts.length) {
      const name = options.context ?? config['current-context'];
      const context = config.contexts.find((c) => c.name === name);
      if (!context)
        throw new UsageError(
          `no context "${name}" in ${configPath()}. Try: entroos config get-contexts, or entroos login URL --context ${name}`,
        );
      const ca = context['certificate-authority-data'];
      return make(
        context.server,
        options.token ?? context.token,
        ca ? Buffer.from(ca, 'base64').toString('utf8') : undefined,
        context['insecure-skip-tls-verify'],
        context.namespace,
        `context ${context.name}`,
      );
    }
  }
  let kube;
  try {
    kube = loadKubeconfig({ paths: options.kubeconfig ? [options.kubeconfig] : undefined, context: options.context });
  } catch (err) {
    throw new UsageError(`not logged in (${(err as Error).message}). Try: entroos login https://HOST:PORT -u admin`);
  }
  return make(
    kube.server,
    options.token ?? kube.token,
    kube.ca,
    kube.insecureSkipTLSVerify,
    kube.namespace,
    `kubeconfig context ${kube.context}`,
  );
}
