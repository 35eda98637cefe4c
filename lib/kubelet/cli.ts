// The standalone node agent: `npx nko --server http://host:3000 --token T --nodes 20 --profile edge`
// joins a running EntroOS server over HTTP and runs simulated nodes like kubelets. `--exec ci` turns on
// executors that run some containers for real on this machine (agent-executors.ts); the composition root
// (lib/nko.ts) says which exist.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { NodeFleet } from './fleet.ts';
import { httpBackend, HttpError } from './http-backend.ts';
import { fleetFor, PROFILES } from './profiles.ts';
import { ImageRegistry } from './runtime/registry.ts';
import { openAgentTunnel } from './agent-tunnel.ts';
import { pickExecutors, type AgentExecutor } from './agent-executors.ts';
import { EXECUTOR_NODE_LABEL } from './executor.ts';
import { describeIsolation, ISOLATION_CHOICES, resolveIsolation, type IsolationChoice } from './sandbox.ts';

/** Runs the agent with the command line's flags; `available` are the executors --exec may name. */
export async function runAgent(available: readonly AgentExecutor[]): Promise<void> {
  const { values } = parseArgs({
    options: {
      server: { type: 'string' },
      token: { type: 'string' },
      nodes: { type: 'string', default: '3' },
      profile: { type: 'string', default: 'mixed' },
      prefix: { type: 'string' },
      'lease-seconds': { type: 'string', default: '10' },
      seed: { type: 'string', default: '1' },
      exec: { type: 'string' },
      'work-dir': { type: 'string' },
      isolation: { type: 'string', default: 'auto' },
    },
    strict: true,
  });

  const say = (line: string) => process.stderr.write(`nko: ${line}\n`);
  const usage = (line: string): never => {
    say(line);
    process.exit(2);
  };
  /** A setting the agent cannot run without: its value, or one line saying what to pass, and exit 2. */
  function required(value: string | undefined, hint: string): string {
    if (value) return value;
    say(hint);
    process.exit(2);
  }

  const server = required(
    values.server ?? process.env.ENTROOS_SERVER,
    'pass --server http://host:3000 (or set ENTROOS_SERVER)',
  );
  const token = required(
    values.token ?? process.env.ENTROOS_TOKEN,
    'pass --token <API token> (or set ENTROOS_TOKEN); create one under Settings → API tokens (an admin token: nodes are cluster resources)',
  );
  const nodes = Number(values.nodes);
  const profile = values.profile ?? 'mixed';
  const seed = values.seed ?? '1';
  const leaseSeconds = Number(values['lease-seconds']);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 5000) {
    say(`--nodes must be a whole number from 1 to 5000 (got "${values.nodes}")`);
    process.exit(2);
  }
  if (!(profile in PROFILES)) {
    say(`--profile must be one of ${Object.keys(PROFILES).join(', ')} (got "${values.profile}")`);
    process.exit(2);
  }
  if (!/^\d{1,9}$/.test(seed)) {
    say(`--seed must be a whole number (got "${values.seed}")`);
    process.exit(2);
  }
  if (!Number.isFinite(leaseSeconds) || leaseSeconds <= 0) {
    say(`--lease-seconds must be a positive number (got "${values['lease-seconds']}")`);
    process.exit(2);
  }

  const choice = pickExecutors(values.exec, available);
  const picked = 'error' in choice ? usage(choice.error) : choice;
  const isolationChoice = values.isolation as IsolationChoice;
  if (!ISOLATION_CHOICES.includes(isolationChoice))
    usage(`--isolation must be one of ${ISOLATION_CHOICES.join(', ')} (got "${values.isolation}")`);
  // Only an agent that executes something needs (and probes) a sandbox.
  const resolved = picked.length ? resolveIsolation(isolationChoice) : { kind: 'none' as const, reason: 'no --exec' };
  const isolation = 'error' in resolved ? usage(`--isolation bwrap: ${resolved.error}`) : resolved;

  const log = pino({ level: process.env.LOG_LEVEL ?? 'warn', base: { service: 'nko' } });
  const prefix = values.prefix ?? `nko-${randomBytes(2).toString('hex')}`;
  const workDir = resolve(values['work-dir'] ?? join(tmpdir(), `nko-${prefix}`));

  /** Waits until the server answers and accepts the token, saying why not in one line, with backoff. */
  async function connect(): Promise<void> {
    let delay = 1000;
    for (;;) {
      try {
        const res = await fetch(`${server.replace(/\/$/, '')}/apis/entroos.io/v1/whoami`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        if (res.ok) {
          const me = (await res.json()) as { username: string; role: string };
          if (me.role !== 'admin')
            say(`warning: ${me.username} has role ${me.role}; registering nodes needs an admin token`);
          return;
        }
        say(
          `the server refused the token (${res.status} ${res.statusText}); check --token — retrying in ${delay / 1000} s`,
        );
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        say(`cannot reach ${server} (${cause}); retrying in ${delay / 1000} s`);
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(30_000, delay * 2);
    }
  }

  async function main() {
    await connect();
    if (picked.length) await mkdir(workDir, { recursive: true });
    const backend = await httpBackend(server, token, log);
    // The server keeps the admins' image marks; follow them like a registry mirror would.
    const registry = new ImageRegistry(await backend.imageMarks());
    const refresh = setInterval(
      () =>
        void backend.imageMarks().then(
          (m) => registry.replaceMarks(m),
          (err) => log.warn({ err: (err as Error).message }, 'could not refresh image marks'),
        ),
      5000,
    );
    refresh.unref();
    const labels = Object.fromEntries(picked.map((e) => [`${EXECUTOR_NODE_LABEL}${e.name}`, 'true']));
    const specs = fleetFor(profile, nodes, prefix).map((n) => ({ ...n, labels: { ...n.labels, ...labels } }));
    const context = {
      server: server.replace(/\/$/, ''),
      token,
      workDir,
      isolation,
      nodes: specs.map((n) => n.name),
      log,
    };
    const executors = (await Promise.all(picked.map((e) => e.create(context)))).flat();
    const fleet = new NodeFleet(backend, log, { leaseSeconds, registry, seed: Number(values.seed), executors });
    await fleet.start(specs);
    const tunnel = openAgentTunnel(
      server,
      token,
      fleet,
      specs.map((n) => n.name),
      log,
    );
    say(
      `running ${nodes} ${values.profile} node(s) ${specs[0].name}…${specs[specs.length - 1].name} against ${server}`,
    );
    for (const e of picked) say(`executing for real: ${e.name} — ${e.description} (as this user, in ${workDir})`);
    if (picked.length) say(describeIsolation(isolation));
    const stop = async () => {
      tunnel.close();
      await fleet.stop();
      backend.close();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop());
    process.on('SIGINT', () => void stop());
  }

  await main().catch((err) => {
    say(err instanceof HttpError ? `the server answered ${err.status}: ${err.message}` : (err as Error).message);
    process.exit(1);
  });
}
