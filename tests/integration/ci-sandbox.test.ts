import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNko } from '../helpers/nko.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';
import { ciRuns } from '../helpers/ci.ts';
import type { Artifact, PipelineStep } from '@/lib/apps/ci/types.ts';

// `nko --exec ci --isolation bwrap`: a step's script runs in a bubblewrap sandbox. It writes its workspace and its
// outputs are uploaded as ever, but it cannot see the agent's process (whose token is on its command line), its
// home, its work directory or /tmp, nor write the system; cancelling the run kills what it started inside.

const NS = 'default';

let server: TestServer;
let token: string;
let api: ReturnType<typeof client>;
let agent: ChildProcess;
let agentOutput = '';
const workDir = mkdtempSync(join(tmpdir(), 'nko-sandbox-work-'));
const agentHome = mkdtempSync(join(tmpdir(), 'nko-sandbox-home-'));

const nko = (args: string[], env?: NodeJS.ProcessEnv) => startNko(server.url, args, env);

const exec = (name: string, script: string, more: Partial<PipelineStep> = {}): PipelineStep => ({
  name,
  image: 'alpine:3.20',
  script,
  exec: true,
  ...more,
});

const { base: BASE, pipeline, run, finished, stepOf } = ciRuns(() => api, NS);

/** Host pids of processes whose command line is exactly `argv`. */
function pidsOf(argv: string[]): number[] {
  const wanted = `${argv.join('\0')}\0`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') === wanted) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_NODES: '1' } });
  token = await login(server.url);
  api = client(server.url, token);
  writeFileSync(join(agentHome, 'agent-secret'), 'not for scripts\n');
  const started = nko(
    [
      '--token',
      token,
      '--nodes',
      '1',
      '--prefix',
      'boxed',
      '--lease-seconds',
      '1',
      '--exec',
      'ci',
      '--work-dir',
      workDir,
      '--isolation',
      'bwrap',
    ],
    { ...process.env, HOME: agentHome },
  );
  agent = started.child;
  agent.stderr!.on('data', (d) => (agentOutput += d));
  await until(
    async () => {
      const node = (await api.get('/api/v1/nodes/boxed-1')).body;
      return node?.status?.conditions?.find((c: { type: string }) => c.type === 'Ready')?.status === 'True';
    },
    'the sandboxed agent to join',
    30_000,
  );
  await until(
    () => agentOutput.includes('nko: processes run in a bubblewrap sandbox'),
    'the agent to say its processes are sandboxed',
    10_000,
  );
});

afterAll(async () => {
  agent?.kill('SIGKILL');
  await server?.stop();
  rmSync(workDir, { recursive: true, force: true });
  rmSync(agentHome, { recursive: true, force: true });
});

describe('nko --isolation bwrap', () => {
  it('refuses an unknown isolation in one line', async () => {
    const bad = nko(['--token', token, '--exec', 'ci', '--isolation', 'chroot']);
    expect(await bad.exited).toBe(2);
    expect(bad.output().trim()).toBe('nko: --isolation must be one of auto, bwrap, none (got "chroot")');
  });

  it('gives a step its workspace and network, and nothing of the agent', async () => {
    const script = [
      'echo built > out.txt',
      `if [ -e /proc/${agent.pid} ]; then echo "agent: visible"; else echo "agent: hidden"; fi`,
      'if [ -e "$HOME/agent-secret" ]; then echo "home: visible"; else echo "home: hidden"; fi',
      'if echo x > /etc/entroos-sandbox-probe 2>/dev/null; then echo "system: writable"; else echo "system: read-only"; fi',
      `echo leak > ${workDir}/leak.txt && echo "agent dir: scratch only"`,
      'echo leak > /tmp/leak.txt && echo "tmp: $TMPDIR"',
      `${process.execPath} -e 'fetch(process.argv[1]).then((r) => console.log("network: " + r.status))' ${server.url}/livez`,
    ].join('\n');
    await pipeline('boxed', [exec('build', script, { outputs: [{ name: 'out', path: 'out.txt' }] })]);
    await run('boxed-1', 'boxed');
    const r = await finished('boxed-1');
    expect(r.status?.phase, JSON.stringify(r.status, null, 1)).toBe('Succeeded');
    const log = stepOf(r, 'build').log ?? '';
    for (const line of [
      'agent: hidden',
      'home: hidden',
      'system: read-only',
      'agent dir: scratch only',
      'tmp: /tmp',
      'network: 200',
    ])
      expect(log).toContain(line);
    // What it wrote outside its workspace went with the sandbox.
    expect(existsSync(join(workDir, 'leak.txt'))).toBe(false);
    expect(existsSync('/etc/entroos-sandbox-probe')).toBe(false);
    // The output still reaches the server.
    const out = (await api.get<Artifact>(`${BASE}/artifacts/${stepOf(r, 'build').outputs!.out}`)).body;
    expect(out.spec.size).toBe('built\n'.length);
  });

  it('kills what the step started inside the sandbox when the run is cancelled', async () => {
    // A duration no other process here uses, to find the sandboxed sleep among the host's processes.
    const sleep = ['sleep', '4242'];
    await pipeline('boxed-long', [exec('sleepy', `${sleep.join(' ')} &\necho started\nwait`)]);
    await run('boxed-long-1', 'boxed-long');
    const [pid] = (await until(
      () => {
        const found = pidsOf(sleep);
        return found.length ? found : undefined;
      },
      'the sandboxed sleep to start',
      20_000,
    )) as number[];
    const patch = await fetch(`${server.url}${BASE}/pipelineruns/boxed-long-1`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { cancelled: true } }),
    });
    expect(patch.status).toBe(200);
    expect((await finished('boxed-long-1')).status?.phase).toBe('Cancelled');
    await until(() => !existsSync(`/proc/${pid}`), 'the sandboxed sleep to be killed', 10_000);
  });
});
