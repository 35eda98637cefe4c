import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';
import { ciRuns } from '../helpers/ci.ts';
import { ensurePackagesBuilt, entroos } from '../compat/cli-support.ts';
import { simulatedOutput } from '@/lib/apps/ci/outputs.ts';
import { SAMPLE_PIPELINE } from '@/lib/apps/ci/examples.ts';
import { verifyProvenance } from '@/lib/apps/ci/provenance.ts';
import { signBody } from '@/lib/apps/ci/webhook.ts';
import type { Artifact, PipelineRun, PipelineStep } from '@/lib/apps/ci/types.ts';

// The CI application through the real API, on simulated nodes: admission refuses bad DAGs, runs start steps in
// DAG order (independent ones together), retry and time out steps, cancel, keep a failed step's log after its pod
// is gone, pass artifacts by digest with signed provenance (which the supply chain's enforcement accepts), start
// runs from signed GitHub deliveries only, and keep a bounded history.

const NS = 'default';
const RUNS_KEPT = 3;
/** Bytes of artifacts per namespace: a few of the small simulated outputs. */
const QUOTA = 2000;

let server: TestServer;
let token: string;
let api: ReturnType<typeof client>;

const s = (name: string, more: Partial<PipelineStep> = {}): PipelineStep => ({
  name,
  image: 'busybox',
  script: `echo ${name}`,
  annotations: { 'entroos.io/duration': '1' },
  ...more,
});

const { base: BASE, pipeline, run, getRun, finished, stepOf } = ciRuns(() => api, NS);
const ms = (t: string | undefined) => Date.parse(t ?? '');

const mergePatch = (path: string, body: unknown) =>
  fetch(server.url + path, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  server = await startServer({
    env: {
      ENTROOS_NODES: '3',
      ENTROOS_CI_RUNS_KEPT: String(RUNS_KEPT),
      ENTROOS_CI_ARTIFACT_QUOTA_BYTES: String(QUOTA),
      ENTROOS_CI_GC_SECONDS: '1',
      ENTROOS_CI_GC_GRACE_SECONDS: '2',
    },
  });
  token = await login(server.url);
  api = client(server.url, token);
  await until(async () => (await api.get('/apis/ci.entroos.io/v1')).status === 200, 'the CI API', 30_000);
  await until(async () => (await api.get('/api/v1/nodes')).body.items?.length === 3, 'three nodes', 30_000);
});

afterAll(async () => {
  await server?.stop();
});

describe('CI admission', () => {
  it('refuses a cycle (naming it), unknown needs, duplicate steps and bad timeouts, and stores nothing', async () => {
    const res = await api.post(`${BASE}/pipelines`, {
      metadata: { name: 'bad' },
      spec: {
        steps: [
          s('a', { needs: ['c'] }),
          s('b', { needs: ['a'] }),
          s('c', { needs: ['b'] }),
          s('d', { needs: ['ghost'] }),
          s('d'),
          s('e', { timeoutSeconds: 0 }),
        ],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'Invalid' });
    const causes: { field: string; message: string; reason: string }[] = res.body.details.causes;
    expect(causes.map((c) => c.message).join('\n')).toMatch(
      /form a cycle: a → c → b → a|form a cycle: [abc] → [abc] → [abc] → [abc]/,
    );
    expect(causes).toContainEqual(
      expect.objectContaining({ field: 'spec.steps[3].needs[0]', reason: 'FieldValueNotFound' }),
    );
    expect(causes).toContainEqual(
      expect.objectContaining({ field: 'spec.steps[4].name', reason: 'FieldValueDuplicate' }),
    );
    expect(causes).toContainEqual(expect.objectContaining({ field: 'spec.steps[5].timeoutSeconds' }));
    expect((await api.get(`${BASE}/pipelines/bad`)).status).toBe(404);
  });
});

describe('CI runs', () => {
  it('runs steps in DAG order, the independent ones in parallel, and leaves no Jobs behind', async () => {
    const two = { 'entroos.io/duration': '2' };
    await pipeline('diamond', [
      s('a', { annotations: two }),
      s('b', { needs: ['a'], annotations: two }),
      s('c', { needs: ['a'], annotations: two }),
      s('d', { needs: ['b', 'c'], annotations: two }),
    ]);
    await run('diamond-1', 'diamond');
    const r = await finished('diamond-1');
    expect(r.status?.phase, JSON.stringify(r.status)).toBe('Succeeded');
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => stepOf(r, n));
    for (const x of [b, c]) expect(ms(x.startTime)).toBeGreaterThanOrEqual(ms(a.completionTime));
    expect(ms(d.startTime)).toBeGreaterThanOrEqual(Math.max(ms(b.completionTime), ms(c.completionTime)));
    // b and c overlap: each started before the other finished.
    expect(ms(b.startTime)).toBeLessThan(ms(c.completionTime));
    expect(ms(c.startTime)).toBeLessThan(ms(b.completionTime));
    for (const x of [a, b, c, d]) expect(x).toMatchObject({ attempts: 1, exitCode: 0 });
    const jobs = await api.get(`/apis/batch/v1/namespaces/${NS}/jobs?labelSelector=ci.entroos.io/run=diamond-1`);
    expect(jobs.body.items).toEqual([]);
  });

  it('retries a failing step until it succeeds, recording each attempt', async () => {
    await pipeline('flaky', [s('test', { retries: 2, annotations: { 'entroos.io/exit-codes': '1,1,0' } })]);
    await run('flaky-1', 'flaky');
    const r = await finished('flaky-1');
    expect(r.status?.phase).toBe('Succeeded');
    const t = stepOf(r, 'test');
    expect(t.attempts).toBe(3);
    expect(t.history?.map((h) => h.exitCode)).toEqual([1, 1, 0]);
  });

  it('times a step out, fails the run and skips what needs it', async () => {
    await pipeline('slow', [
      s('sleep', { timeoutSeconds: 1, annotations: { 'entroos.io/duration': '60' } }),
      s('after', { needs: ['sleep'] }),
    ]);
    await run('slow-1', 'slow');
    const r = await finished('slow-1');
    expect(r.status?.phase).toBe('Failed');
    expect(stepOf(r, 'sleep')).toMatchObject({ phase: 'Failed', message: expect.stringMatching(/timed out after 1s/) });
    expect(stepOf(r, 'after').phase).toBe('Skipped');
  });

  it('keeps a step that runs for real off the in-process nodes: it waits for an exec agent, then times out saying so', async () => {
    await pipeline('real-only', [s('real', { exec: true, timeoutSeconds: 1, annotations: undefined })]);
    await run('real-only-1', 'real-only');
    const st = stepOf(await finished('real-only-1'), 'real');
    expect(st.phase).toBe('Failed');
    expect(st.node).toBeUndefined();
    expect(st.message).toContain('waiting for a node that runs the ci executor (start one: npx nko --exec ci)');
  });

  it('cancels a run: its running Job is deleted, the remaining steps skipped, and it stays cancelled', async () => {
    await pipeline('long', [
      s('work', { annotations: { 'entroos.io/duration': '120' } }),
      s('next', { needs: ['work'] }),
    ]);
    await run('long-1', 'long');
    const running = (await until(async () => {
      const r = await getRun('long-1');
      return stepOf(r, 'work')?.phase === 'Running' && stepOf(r, 'work').job ? r : undefined;
    }, 'the step to run')) as PipelineRun;
    const job = stepOf(running, 'work').job!;
    expect((await mergePatch(`${BASE}/pipelineruns/long-1`, { spec: { cancelled: true } })).status).toBe(200);
    const r = await finished('long-1');
    expect(r.status?.phase).toBe('Cancelled');
    expect(stepOf(r, 'work').phase).toBe('Cancelled');
    expect(stepOf(r, 'next').phase).toBe('Skipped');
    await until(
      async () => (await api.get(`/apis/batch/v1/namespaces/${NS}/jobs/${job}`)).status === 404,
      'the Job to go',
    );
    const undo = await mergePatch(`${BASE}/pipelineruns/long-1`, { spec: { cancelled: false } });
    expect(undo.status).toBe(422);
  });

  it("keeps a failed step's log in the run after its pod is deleted", async () => {
    await pipeline('broken', [s('compile', { annotations: { 'entroos.io/exit-code': '3' } })]);
    await run('broken-1', 'broken');
    const r = await finished('broken-1');
    const compile = stepOf(r, 'compile');
    expect(compile).toMatchObject({
      phase: 'Failed',
      exitCode: 3,
      message: expect.stringMatching(/exited with code 3/),
    });
    await until(
      async () =>
        (await api.get(`/api/v1/namespaces/${NS}/pods?labelSelector=ci.entroos.io/run=broken-1`)).body.items.length ===
        0,
      'the step pod to be deleted',
    );
    const again = stepOf(await getRun('broken-1'), 'compile');
    expect(again.log).toMatch(/broken-1\/compile attempt 1: Error, exit code 3 on node /);
    expect(again.log!.split('\n').length).toBeGreaterThan(1);
  });
});

describe('the demo pipeline', () => {
  it('runs lint → test on a 3-version matrix in parallel → build → package, passing artifacts along', async () => {
    // The seeded pipeline (lib/apps/ci/examples.ts), its steps made instant.
    const steps = SAMPLE_PIPELINE.spec.steps.map((x) => ({ ...x, annotations: { 'entroos.io/duration': '0' } }));
    await pipeline('sample', steps, { params: SAMPLE_PIPELINE.spec.params });
    await run('sample-1', 'sample');
    const r = await finished('sample-1');
    expect(r.status?.phase, JSON.stringify(r.status)).toBe('Succeeded');
    expect(r.status?.steps.map((x) => x.name)).toEqual(['lint', 'test-18', 'test-20', 'test-22', 'build', 'package']);
    for (const t of ['test-18', 'test-20', 'test-22'])
      expect(ms(stepOf(r, t).startTime)).toBeGreaterThanOrEqual(ms(stepOf(r, 'lint').completionTime));
    const image = (await api.get<Artifact>(`${BASE}/artifacts/${stepOf(r, 'package').outputs?.image}`)).body;
    expect(image.spec.image).toMatch(/^registry\.entroos\.local\/sample-app@sha256:[0-9a-f]{64}$/);
  });
});

describe('CI artifacts', () => {
  it('passes artifacts by digest, serves them with their type, and signs provenance the supply chain accepts', async () => {
    const signer = (await api.get('/apis/ci.entroos.io/v1/signer')).body;
    expect(signer).toMatchObject({ kind: 'CiSigner', keyid: expect.stringMatching(/^sha256:/) });
    // The namespace registers the cluster key as its builder: image outputs are attested to the supply chain.
    const ns = 'ci-images';
    expect((await api.post('/api/v1/namespaces', { metadata: { name: ns } })).status).toBe(201);
    const participant = await api.post(`/apis/supplychain.entroos.io/v1/namespaces/${ns}/participants`, {
      metadata: { name: 'entroos-ci' },
      spec: { roles: ['builder'], publicKey: signer.publicKey },
    });
    expect(participant.status, participant.text).toBe(201);
    const build = s('build', { outputs: [{ name: 'bin', mediaType: 'application/octet-stream' }] });
    const pack = s('package', {
      needs: ['build'],
      inputs: [{ step: 'build', output: 'bin' }],
      outputs: [{ name: 'image', mediaType: 'application/vnd.oci.image.manifest.v1+json', image: 'registry.test/app' }],
    });
    const base = `/apis/ci.entroos.io/v1/namespaces/${ns}`;
    expect(
      (await api.post(`${base}/pipelines`, { metadata: { name: 'app' }, spec: { steps: [build, pack] } })).status,
    ).toBe(201);
    expect(
      (await api.post(`${base}/pipelineruns`, { metadata: { name: 'app-1' }, spec: { pipeline: 'app' } })).status,
    ).toBe(201);
    const r = (await until(
      async () => {
        const x = (await api.get<PipelineRun>(`${base}/pipelineruns/app-1`)).body;
        return ['Succeeded', 'Failed'].includes(x.status?.phase ?? '') ? x : undefined;
      },
      'app-1 to finish',
      30_000,
    )) as PipelineRun;
    expect(r.status?.phase, JSON.stringify(r.status)).toBe('Succeeded');

    const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    const binContent = simulatedOutput('app', build, build.outputs![0], []);
    const imageContent = simulatedOutput('app', pack, pack.outputs![0], [sha(binContent)]);
    const bin = (await api.get<Artifact>(`${base}/artifacts/${stepOf(r, 'build').outputs!.bin}`)).body;
    const image = (await api.get<Artifact>(`${base}/artifacts/${stepOf(r, 'package').outputs!.image}`)).body;
    expect(bin.spec.digest).toBe(sha(binContent));
    expect(image.spec).toMatchObject({
      digest: sha(imageContent),
      size: imageContent.length,
      run: 'app-1',
      step: 'package',
    });

    const download = await fetch(`${server.url}${base}/artifacts/${image.metadata.name}/content`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(sha(Buffer.from(await download.arrayBuffer()))).toBe(image.spec.digest);
    const anonymous = await fetch(`${server.url}${base}/artifacts/${image.metadata.name}/content`);
    expect(anonymous.status).toBe(401);

    const verdict = verifyProvenance(image.spec.provenance.envelope, image.spec.digest, signer.publicKeyPem);
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    const p = verdict.statement.predicate as unknown as {
      buildDefinition: {
        externalParameters: Record<string, unknown>;
        resolvedDependencies: { digest: { sha256: string } }[];
      };
      runDetails: {
        metadata: { startedOn: string; finishedOn: string };
        byproducts: { annotations: { node: string } }[];
      };
    };
    expect(p.buildDefinition.externalParameters).toMatchObject({
      pipeline: `${ns}/app`,
      run: `${ns}/app-1`,
      step: 'package',
    });
    expect(p.buildDefinition.resolvedDependencies[0].digest.sha256).toBe(bin.spec.digest.slice(7));
    expect(p.runDetails.byproducts[0].annotations.node).toBe(image.spec.provenance.placement?.node);
    expect(image.spec.provenance.placement?.proof).toMatch(/\/apis\/entroos.io\/v1\/proofs\?namespace=ci-images&pod=/);
    const tampered = { ...image.spec.provenance.envelope, payload: Buffer.from('{"x":1}').toString('base64') };
    expect(verifyProvenance(tampered, image.spec.digest, signer.publicKeyPem).ok).toBe(false);

    // The supply chain took the build: with enforcement on, the image runs by that digest and not by another.
    const attestation = await api.get(
      `/apis/supplychain.entroos.io/v1/namespaces/${ns}/attestations/${image.metadata.name}-build`,
    );
    expect(attestation.status).toBe(200);
    expect(
      (
        await mergePatch(`/api/v1/namespaces/${ns}`, {
          metadata: { labels: { 'supplychain.entroos.io/enforce': 'true' } },
        })
      ).status,
    ).toBe(200);
    const pod = (name: string, img: string) => ({
      metadata: { name },
      spec: { containers: [{ name: 'app', image: img }] },
    });
    expect(
      (await api.post(`/api/v1/namespaces/${ns}/pods`, pod('built', `registry.test/app@${image.spec.digest}`))).status,
    ).toBe(201);
    expect(
      (await api.post(`/api/v1/namespaces/${ns}/pods`, pod('other', `registry.test/app@sha256:${'0'.repeat(64)}`)))
        .status,
    ).toBe(403);
  });
});

describe('CI artifact quota and garbage collection', () => {
  it('fails a step whose outputs would exceed the namespace quota, naming it', async () => {
    expect((await api.post('/api/v1/namespaces', { metadata: { name: 'ci-quota' } })).status).toBe(201);
    const outputs = Array.from({ length: 30 }, (_, i) => ({ name: `out-${i}` }));
    const base = '/apis/ci.entroos.io/v1/namespaces/ci-quota';
    expect(
      (await api.post(`${base}/pipelines`, { metadata: { name: 'big' }, spec: { steps: [s('make', { outputs })] } }))
        .status,
    ).toBe(201);
    expect(
      (await api.post(`${base}/pipelineruns`, { metadata: { name: 'big-1' }, spec: { pipeline: 'big' } })).status,
    ).toBe(201);
    const r = (await until(async () => {
      const x = (await api.get<PipelineRun>(`${base}/pipelineruns/big-1`)).body;
      return ['Succeeded', 'Failed'].includes(x.status?.phase ?? '') ? x : undefined;
    }, 'big-1 to finish')) as PipelineRun;
    expect(stepOf(r, 'make')).toMatchObject({
      phase: 'Failed',
      message: expect.stringMatching(/over its quota of 2000 \(ENTROOS_CI_ARTIFACT_QUOTA_BYTES\)/),
    });
  });

  it("removes an artifact's file once no Artifact references it", async () => {
    await pipeline('gc', [s('make', { outputs: [{ name: 'unique-to-gc' }] })]);
    await run('gc-1', 'gc');
    expect((await finished('gc-1')).status?.phase).toBe('Succeeded');
    const artifact = (await api.get<Artifact>(`${BASE}/artifacts/gc-1-make-unique-to-gc`)).body;
    const hex = artifact.spec.digest.slice(7);
    const file = join(server.dataDir, 'ci-artifacts', 'sha256', hex.slice(0, 2), hex);
    expect(existsSync(file)).toBe(true);
    expect((await api.delete(`${BASE}/pipelineruns/gc-1`)).status).toBe(200);
    await until(() => !existsSync(file), 'the unreferenced file to be collected', 15_000);
    const gone = await fetch(`${server.url}${BASE}/artifacts/gc-1-make-unique-to-gc/content`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(gone.status).toBe(404);
  });
});

describe('CI triggers and history', () => {
  const SECRET = 'webhook-s3cret';
  const deliver = (body: string, signature: string, event = 'push') =>
    fetch(`${server.url}/apis/ci.entroos.io/v1/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': 'd-1',
        'x-hub-signature-256': signature,
      },
      body,
    });
  const runsOf = async (p: string) =>
    ((await api.get<{ items: PipelineRun[] }>(`${BASE}/pipelineruns`)).body.items ?? []).filter(
      (x) => x.spec.pipeline === p,
    );

  it('refuses a delivery with a bad signature (401, nothing started) and runs on a signed push', async () => {
    expect(
      (
        await api.post(`/api/v1/namespaces/${NS}/secrets`, {
          metadata: { name: 'gh-hook' },
          stringData: { secret: SECRET },
        })
      ).status,
    ).toBe(201);
    await pipeline('hooked', [s('build')], {
      triggers: {
        github: { repository: 'acme/app', branches: ['main'], secretRef: { name: 'gh-hook', key: 'secret' } },
      },
    });
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      after: 'abc123',
      repository: { full_name: 'acme/app' },
      sender: { login: 'octocat' },
    });
    const bad = await deliver(body, signBody(body, 'wrong'));
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ kind: 'Status', code: 401, reason: 'Unauthorized' });
    expect((await deliver(body, '')).status).toBe(401);
    expect(await runsOf('hooked')).toEqual([]);

    const good = await deliver(body, signBody(body, SECRET));
    expect(good.status).toBe(201);
    const result = await good.json();
    expect(result.runs).toHaveLength(1);
    const r = await finished(result.runs[0].name);
    expect(r.status?.phase).toBe('Succeeded');
    expect(r.spec.trigger).toMatchObject({
      type: 'github',
      event: 'push',
      sha: 'abc123',
      repository: 'acme/app',
      sender: 'octocat',
    });

    const otherBranch = JSON.stringify({ ref: 'refs/heads/dev', after: 'x', repository: { full_name: 'acme/app' } });
    const ignored = await deliver(otherBranch, signBody(otherBranch, SECRET));
    expect(ignored.status).toBe(200);
    expect((await ignored.json()).runs).toEqual([]);
  });

  it(`keeps the newest ${RUNS_KEPT} finished runs of a pipeline`, async () => {
    await pipeline('often', [s('x')]);
    for (let i = 1; i <= RUNS_KEPT + 2; i++) {
      await run(`often-${i}`, 'often');
      await finished(`often-${i}`);
    }
    await until(async () => (await runsOf('often')).length === RUNS_KEPT, `${RUNS_KEPT} runs to be kept`);
    expect((await runsOf('often')).map((r) => r.metadata.name).sort()).toEqual(['often-3', 'often-4', 'often-5']);
  });
});

describe('entroos ci', () => {
  it('runs and waits, shows logs and artifacts, downloads one by digest, and cancels', async () => {
    ensurePackagesBuilt();
    const env = { ENTROOS_URL: server.url, ENTROOS_TOKEN: token };
    await pipeline('cli', [s('make', { outputs: [{ name: 'out', mediaType: 'text/plain' }] })]);
    const started = await entroos(env, ['ci', 'run', 'cli', '--wait', '-p', 'ref=main']);
    expect(started.code, started.stderr).toBe(0);
    const name = /pipelinerun\.ci\.entroos\.io\/(\S+) created/.exec(started.stdout)?.[1];
    expect(name).toBeDefined();
    expect(started.stdout).toMatch(/make\s+Succeeded\s+1\s+0/);
    const logs = await entroos(env, ['ci', 'logs', name!, 'make']);
    expect(logs.stdout).toMatch(new RegExp(`# ${name}/make attempt 1: Completed, exit code 0`));
    const list = await entroos(env, ['ci', 'artifacts', name!]);
    expect(list.stdout).toMatch(new RegExp(`${name}-make-out\\s+make\\s+out\\s+sha256:[0-9a-f]{64}`));
    const artifact = (await api.get<Artifact>(`${BASE}/artifacts/${name}-make-out`)).body;
    const download = await entroos(env, ['ci', 'artifacts', '--download', `${name}-make-out`]);
    expect(`sha256:${createHash('sha256').update(download.stdout).digest('hex')}`).toBe(artifact.spec.digest);

    await pipeline('cli-long', [s('wait', { annotations: { 'entroos.io/duration': '120' } })]);
    await run('cli-long-1', 'cli-long');
    expect((await entroos(env, ['ci', 'cancel', 'cli-long-1'])).code).toBe(0);
    expect((await finished('cli-long-1')).status?.phase).toBe('Cancelled');
    await pipeline('cli-broken', [s('fail', { annotations: { 'entroos.io/exit-code': '2' } })]);
    const failing = await entroos(env, ['ci', 'run', 'cli-broken', '--wait']);
    expect(failing.code).toBe(6);
  });
});

describe('the GitHub Action', () => {
  /** Runs the committed action bundle as GitHub would: inputs as INPUT_* variables, outputs to $GITHUB_OUTPUT. */
  function action(pipelineName: string, extra: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'entroos-action-'));
    const outputs = join(dir, 'outputs');
    writeFileSync(outputs, '');
    return new Promise<{ code: number | null; stdout: string; outputs: string }>((resolve) => {
      const env: Record<string, string | undefined> = {
        PATH: process.env.PATH,
        INPUT_SERVER: server.url,
        INPUT_TOKEN: token,
        INPUT_PIPELINE: pipelineName,
        INPUT_NAMESPACE: NS,
        'INPUT_TIMEOUT-SECONDS': '60',
        GITHUB_OUTPUT: outputs,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REPOSITORY: 'octo/app',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_SHA: 'a'.repeat(40),
        ...extra,
      };
      const child = spawn(process.execPath, ['packages/action/dist/index.mjs'], {
        env: env as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('exit', (code) => {
        resolve({ code, stdout, outputs: readFileSync(outputs, 'utf8') });
        rmSync(dir, { recursive: true, force: true });
      });
    });
  }

  it('starts a run for the commit, waits for it, and fails the job when the run fails', async () => {
    await pipeline('gh-action', [s('check'), s('ship', { needs: ['check'] })]);
    const ok = await action('gh-action', { INPUT_PARAMS: 'target=prod' });
    expect(ok.stdout).toMatch(/check: Succeeded, exit code 0/);
    expect(ok.code, ok.stdout).toBe(0);
    const name = /^run=(.+)$/m.exec(ok.outputs)?.[1] ?? '';
    expect(ok.outputs).toMatch(/^phase=Succeeded$/m);
    const started = await getRun(name);
    expect(started.spec).toMatchObject({
      pipeline: 'gh-action',
      params: { target: 'prod' },
      trigger: { type: 'github', event: 'push', repository: 'octo/app', ref: 'refs/heads/main', sha: 'a'.repeat(40) },
    });

    await pipeline('gh-action-fails', [
      s('check', { annotations: { 'entroos.io/duration': '1', 'entroos.io/exit-code': '1' } }),
    ]);
    const failed = await action('gh-action-fails');
    expect(failed.code).toBe(1);
    expect(failed.outputs).toMatch(/^phase=Failed$/m);
    expect(failed.stdout).toMatch(/^::error::run default\/gh-action-fails-\S+ failed/m);

    // A token the server does not know: one line saying why, and the job fails.
    const missing = await action('gh-action', { INPUT_TOKEN: 'eos_not-a-token' });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^::error::.+/m);
  }, 90_000);
});
