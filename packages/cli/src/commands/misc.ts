import { readFileSync } from 'node:fs';
import { Client } from '@entroos/client';
import { nodeTransport } from '@entroos/client/node';
import { configPath, readConfig, writeConfig, type Context } from '../config.js';
import { UsageError } from '../errors.js';
import { VERSION, type Invocation } from '../main.js';
import { formatTable } from '../output.js';
import { connection } from './common.js';

export async function version(inv: Invocation): Promise<void> {
  process.stdout.write(`Client Version: ${VERSION}\n`);
  if (inv.options.client) return;
  const { client } = connection(inv);
  const server = await client.request<{ gitVersion?: string; entroosVersion?: string }>({ path: '/version' });
  process.stdout.write(
    `Server Version: ${server.gitVersion ?? ''}${server.entroosVersion ? ` (EntroOS ${server.entroosVersion})` : ''}\n`,
  );
}

export async function login(inv: Invocation): Promise<void> {
  const url = inv.args[0];
  const o = inv.options as {
    username: string;
    password?: string;
    passwordStdin?: boolean;
    name?: string;
    defaultNamespace: string;
  };
  let server: URL;
  try {
    server = new URL(url);
  } catch {
    throw new UsageError(`"${url}" is not a URL. Try: entroos login https://HOST:PORT -u admin`);
  }
  const password = o.passwordStdin
    ? readFileSync(0, 'utf8').replace(/\r?\n$/, '')
    : (o.password ?? process.env.ENTROOS_PASSWORD);
  if (!password) throw new UsageError('give the password: -p PASSWORD, --password-stdin, or ENTROOS_PASSWORD');
  const client = new Client({
    server: server.origin,
    transport: nodeTransport({ insecureSkipTLSVerify: inv.global.insecureSkipTlsVerify }),
  });
  const answer = await client.request<{
    token: string;
    kubernetes?: { server: string; certificateAuthorityData: string };
  }>({
    method: 'POST',
    path: '/api/login',
    body: { username: o.username, password, tokenName: `entroos cli ${new Date().toISOString().slice(0, 19)}` },
  });
  const name = o.name ?? server.host;
  const context: Context = {
    name,
    server: answer.kubernetes?.server ?? server.origin,
    token: answer.token,
    ...(answer.kubernetes?.certificateAuthorityData
      ? { 'certificate-authority-data': answer.kubernetes.certificateAuthorityData }
      : {}),
    ...(inv.global.insecureSkipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}),
    namespace: o.defaultNamespace,
    user: o.username,
  };
  const config = readConfig() ?? { contexts: [] };
  config.contexts = [...config.contexts.filter((c) => c.name !== name), context];
  config['current-context'] = name;
  const path = writeConfig(config);
  process.stdout.write(
    `logged in to ${context.server} as ${o.username}; context "${name}" saved in ${path} and made current\n`,
  );
}

export async function whoami(inv: Invocation): Promise<void> {
  const { client, source } = connection(inv);
  const me = await client.entroos.whoami();
  process.stdout.write(`${me.username} (${me.role}, by ${me.via}) via ${source}\n`);
}

function config() {
  const c = readConfig();
  if (!c || !c.contexts.length)
    throw new UsageError(`no contexts in ${configPath()}. Try: entroos login https://HOST:PORT -u admin`);
  return c;
}

export async function useContext(inv: Invocation): Promise<void> {
  const c = config();
  const name = inv.args[0];
  if (!c.contexts.some((x) => x.name === name))
    throw new UsageError(`no context "${name}" (have: ${c.contexts.map((x) => x.name).join(', ')})`);
  c['current-context'] = name;
  writeConfig(c);
  process.stdout.write(`Switched to context "${name}".\n`);
}

export async function getContexts(): Promise<void> {
  const c = config();
  const rows = [['CURRENT', 'NAME', 'SERVER', 'USER', 'NAMESPACE']];
  for (const x of c.contexts)
    rows.push([x.name === c['current-context'] ? '*' : '', x.name, x.server, x.user ?? '', x.namespace ?? '']);
  process.stdout.write(formatTable(rows));
}

export async function currentContext(): Promise<void> {
  const c = config();
  if (!c['current-context']) throw new UsageError('no current context. Try: entroos config use-context NAME');
  process.stdout.write(`${c['current-context']}\n`);
}

export async function deleteContext(inv: Invocation): Promise<void> {
  const c = config();
  const name = inv.args[0];
  if (!c.contexts.some((x) => x.name === name)) throw new UsageError(`no context "${name}"`);
  c.contexts = c.contexts.filter((x) => x.name !== name);
  if (c['current-context'] === name) c['current-context'] = c.contexts[0]?.name;
  writeConfig(c);
  process.stdout.write(`deleted context ${name}\n`);
}
