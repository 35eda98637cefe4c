import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNko } from '../helpers/nko.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login, userWithToken } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';
import { ciRuns } from '../helpers/ci.ts';
import { simulatedOutput } from '@/lib/apps/ci/outputs.ts';
import { verifyProvenance } from '@/lib/apps/ci/provenance.ts';
import type { Artifact, PipelineStep } from '@/lib/apps/ci/types.ts';

// CI steps with exec: true run for real on a standalone agent started with `nko --exec ci` (a real agent process
// joined over HTTP): the script runs as a process in a fresh directory with its env and Secrets, its inputs are
// fetched and its outputs uploaded with their digests, its cache restored and saved; a failure's exit code and log
// stay after the pod is gone; cancel and the timeout kill its processes; the in-process nodes never execute one.

const NS = 'default';

let server: TestServer;
let token: string;
let api: ReturnType<typeof client>;
let agent: ChildProcess;
let agentOutput = '';
let agentNode: string;
const workDir = mkdtempSync(join(tmpdir(), 'nko-ci-work-'));
const scratch = mkdtempSync(join(tmpdir(), 'nko-ci-scratch-'));

const nko = (args: string[]) => startNko(server.url, args);

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const exec = (name: string, script: string, more: Partial<PipelineStep> = {}): PipelineStep => ({
  name,
  image: 'alpine:3.20',
  script,
  exec: true,
  ...more,
});

const { base: BASE, pipeline, run, getRun, finished, stepOf } = ciRuns(() => api, NS);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const jobsOf = async (runName: string) =>
  (await api.get(`/apis/batch/v1/namespaces/${NS}/jobs?labelSelector=ci.entroos.io%2Frun%3D${runName}`)).body
    .items as unknown[];

beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_NODES: '1' } });
  token = await login(server.url);
  api = client(server.url, token);
  const started = nko([
    '--token',
    token,
    '--nodes',
    '1',
    '--profile',
    'large',
    '--prefix',
    'builder',
    '--lease-seconds',
    '1',
    '--exec',
    'ci',
    '--work-dir',
    workDir,
    // These tests watch the script from outside (its pid, files it leaves in a scratch directory): no sandbox.
    // ci-sandbox.test.ts runs the same agent in bubblewrap.
    '--isolation',
    'none',
  ]);
  agent = started.child;
  agent.stderr!.on('data', (d) => (agentOutput += d));
  agentNode = 'builder-1';
  await until(
    async () => {
      const node = (await api.get(`/api/v1/nodes/${agentNode}`)).body;
      return (
        node?.metadata?.labels?.['executor.entroos.io/ci'] === 'true' &&
        node.status?.conditions?.find((c: { type: string }) => c.type === 'Ready')?.status === 'True'
      );
    },
    'the exec agent to join',
    30_000,
  );
});

afterAll(async () => {
  agent?.kill('SIGKILL');
  await server?.stop();
  rmSync(workDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('nko --exec', () => {
  it('names the executors it has in one line when given an unknown one', async () => {
    const bad = nko(['--token', token, '--exec', 'ci,nope']);
    await until(() => bad.child.exitCode !== null, 'the usage error', 15_000);
    expect(bad.child.exitCode).toBe(2);
    expect(bad.output().trim()).toMatch(/^nko: --exec must name executors from: .*\bci\b.* \(got "ci,nope"\)$/);
  });
});

describe('CI steps on an exec agent', () => {
  it('runs the script for real: env and Secrets in, inputs fetched, outputs uploaded with digests and provenance', async () => {
    const secret = await api.post(`/api/v1/namespaces/${NS}/secrets`, {
      metadata: { name: 'ci-exec-secret' },
      stringData: { token: 's3cret-value' },
    });
    expect(secret.status, secret.text).toBe(201);
    const build = exec(
      'build',
      [
        'mkdir -p out',
        'printf "hello %s %s %s\\n" "$CI_NODE" "$GREETING" "$API_TOKEN" > out/hello.txt',
        'echo "built in $(pwd)"',
        'pwd > "$SCRATCH/build-dir"',
        'if [ -f "$CI_CACHE_DIR/stamp" ]; then echo "cache hit: $(cat "$CI_CACHE_DIR/stamp")"; else echo "cache miss"; echo "$CI_RUN" > "$CI_CACHE_DIR/stamp"; fi',
      ].join('\n'),
      {
        env: [
          { name: 'GREETING', value: 'world' },
          { name: 'SCRATCH', value: scratch },
        ],
        secrets: [{ name: 'API_TOKEN', secretName: 'ci-exec-secret', key: 'token' }],
        outputs: [{ name: 'hello', path: 'out/hello.txt', mediaType: 'text/plain' }],
        cacheKeys: ['deps-$(params.version)'],
      },
    );
    const pack = exec('package', 'tr a-z A-Z < out/hello.txt > upper.txt', {
      needs: ['build'],
      inputs: [{ step: 'build', output: 'hello' }],
      outputs: [{ name: 'upper', path: 'upper.txt' }],
    });
    await pipeline('real', [build, pack], { params: [{ name: 'version', default: '1' }] });
    await run('real-1', 'real');
    const r = await finished('real-1');
    expect(r.status?.phase, JSON.stringify(r.status, null, 1)).toBe('Succeeded');

    const expected = `hello ${agentNode} world s3cret-value\n`;
    const hello = (await api.get<Artifact>(`${BASE}/artifacts/${stepOf(r, 'build').outputs!.hello}`)).body;
    expect(hello.spec).toMatchObject({
      digest: sha(expected),
      size: Buffer.byteLength(expected),
      mediaType: 'text/plain',
      step: 'build',
    });
    expect(hello.spec.provenance.placement?.node).toBe(agentNode);
    const upper = (await api.get<Artifact>(`${BASE}/artifacts/${stepOf(r, 'package').outputs!.upper}`)).body;
    expect(upper.spec.digest).toBe(sha(expected.toUpperCase()));
    expect(stepOf(r, 'package').node).toBe(agentNode);
    const download = await fetch(`${server.url}${BASE}/artifacts/${upper.metadata.name}/content`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await download.text()).toBe(expected.toUpperCase());

    const signer = (await api.get('/apis/ci.entroos.io/v1/signer')).body;
    const verdict = verifyProvenance(upper.spec.provenance.envelope, upper.spec.digest, signer.publicKeyPem);
    expect(verdict.ok).toBe(true);
    if (verdict.ok) expect(JSON.stringify(verdict.statement)).toContain(hello.spec.digest.slice(7)); // its input, by digest

    // The log is the script's own output; the working directory was fresh and is gone.
    expect(stepOf(r, 'build').log).toContain('cache miss');
    expect(stepOf(r, 'build').log).toMatch(/built in \//);
    const buildDir = readFileSync(join(scratch, 'build-dir'), 'utf8').trim();
    expect(buildDir.startsWith(join(workDir, 'ci'))).toBe(true);
    expect(existsSync(buildDir)).toBe(false);
    expect(readdirSync(join(workDir, 'ci'))).toEqual([]);

    // The cache saved by the first run (under the key with its param) is restored in the next.
    const caches = (await api.get(`${BASE}/artifacts?labelSelector=ci.entroos.io%2Fcache%3Dtrue`)).body
      .items as Artifact[];
    expect(caches).toHaveLength(1);
    expect((caches[0].metadata.annotations as Record<string, string>)['ci.entroos.io/cache']).toBe('deps-1');
    expect(caches[0].spec.provenance.placement?.node).toBe(agentNode);
    await run('real-2', 'real');
    const again = await finished('real-2');
    expect(again.status?.phase).toBe('Succeeded');
    expect(stepOf(again, 'build').log).toContain('cache hit: real-1');
    expect(stepOf(again, 'build').log).toContain('cache restored from key "deps-1"');
    // Another param value is another key: a miss.
    await run('real-3', 'real', { params: { version: '2' } });
    expect(stepOf(await finished('real-3'), 'build').log).toContain('cache miss');
  });

  it("records a failing script's exit code and log, readable after its pod is gone", async () => {
    await pipeline('fails', [exec('broken', 'echo "about to fail"\necho "on stderr" >&2\nexit 3')]);
    await run('fails-1', 'fails');
    const r = await finished('fails-1');
    expect(r.status?.phase).toBe('Failed');
    const st = stepOf(r, 'broken');
    expect(st.exitCode).toBe(3);
    expect(st.message).toContain('exited with code 3');
    expect(st.node).toBe(agentNode);
    await until(async () => (await jobsOf('fails-1')).length === 0, 'the Job and pod to be deleted', 10_000);
    const later = stepOf(await getRun('fails-1'), 'broken');
    expect(later.log).toContain('about to fail');
    expect(later.log).toContain('on stderr');
    expect(later.log).toContain('exit code 3');
  });

  it('fails a step whose declared output file is missing, saying so', async () => {
    await pipeline('no-output', [exec('lazy', 'echo nothing', { outputs: [{ name: 'bin', path: 'bin/app' }] })]);
    await run('no-output-1', 'no-output');
    const st = stepOf(await finished('no-output-1'), 'lazy');
    expect(st.phase).toBe('Failed');
    expect(st.log).toContain('output bin: the step left no file at bin/app');
  });

  it('takes uploads only from node agents, and only for a running step pod', async () => {
    const operator = await userWithToken(server.url, token, 'ci-op', 'operator');
    const put = (t: string, path: string) =>
      fetch(`${server.url}${BASE}/steppods/${path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${t}` },
        body: 'forged',
      });
    const forged = await put(operator.token, 'any-pod/outputs/bin');
    expect(forged.status).toBe(403);
    const missing = await put(token, 'no-such-pod/outputs/bin');
    expect(missing.status).toBe(404);
    expect((await missing.json()).message).toBe('pods "no-such-pod" not found');
  });

  it("kills the step's processes when the run is cancelled", async () => {
    const pidFile = join(scratch, 'cancel.pid');
    await pipeline('long', [exec('sleepy', `sleep 120 &\necho $! > ${pidFile}\necho started\nwait`)]);
    await run('long-1', 'long');
    await until(
      () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '',
      'the script to start',
      20_000,
    );
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(pid)).toBe(true);
    const patch = await fetch(`${server.url}${BASE}/pipelineruns/long-1`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { cancelled: true } }),
    });
    expect(patch.status).toBe(200);
    expect((await finished('long-1')).status?.phase).toBe('Cancelled');
    await until(() => !alive(pid), 'the background sleep to be killed', 10_000);
  });

  it('kills a step that runs past its timeout', async () => {
    const pidFile = join(scratch, 'timeout.pid');
    await pipeline('slow', [exec('stuck', `sleep 120 &\necho $! > ${pidFile}\nwait`, { timeoutSeconds: 3 })]);
    await run('slow-1', 'slow');
    const r = await finished('slow-1', 30_000);
    const st = stepOf(r, 'stuck');
    expect(st.phase).toBe('Failed');
    expect(st.message).toMatch(/timed out after 3s|code 124/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await until(() => !alive(pid), 'the timed-out process to be killed', 10_000);
  });
});

describe('the in-process nodes', () => {
  it('never execute a script: a step without exec is simulated, a pod asking for the executor is refused', async () => {
    const marker = join(scratch, 'must-not-exist');
    const step: PipelineStep = {
      name: 'pretend',
      image: 'alpine:3.20',
      script: `touch ${marker}`,
      outputs: [{ name: 'out', path: 'out.txt' }],
    };
    await pipeline('simulated', [step]);
    await run('simulated-1', 'simulated');
    const r = await finished('simulated-1');
    expect(r.status?.phase).toBe('Succeeded');
    const art = (await api.get<Artifact>(`${BASE}/artifacts/${stepOf(r, 'pretend').outputs!.out}`)).body;
    expect(art.spec.digest).toBe(sha(simulatedOutput('simulated', step, step.outputs![0], [])));

    const inProcess = ((await api.get('/api/v1/nodes')).body.items as { metadata: { name: string } }[])
      .map((n) => n.metadata.name)
      .find((n) => n !== agentNode)!;
    const pod = await api.post(`/api/v1/namespaces/${NS}/pods`, {
      metadata: { name: 'wants-exec', annotations: { 'entroos.io/executor': 'ci' } },
      spec: {
        nodeName: inProcess,
        restartPolicy: 'Never',
        containers: [{ name: 'step', image: 'alpine:3.20', command: ['sh', '-c', `touch ${marker}`] }],
      },
    });
    expect(pod.status, pod.text).toBe(201);
    const done = await until(
      async () => {
        const p = (await api.get(`/api/v1/namespaces/${NS}/pods/wants-exec`)).body;
        return p.status?.phase === 'Failed' ? p : undefined;
      },
      'the pod to be refused',
      15_000,
    );
    expect(done.status.containerStatuses[0].state.terminated.exitCode).toBe(126);
    const log = (await api.get(`/api/v1/namespaces/${NS}/pods/wants-exec/log`)).text;
    expect(log).toContain('this node runs no "ci" executor');
    expect(existsSync(marker)).toBe(false);
    expect(agentOutput).toContain('executing for real: ci');
  });
});
