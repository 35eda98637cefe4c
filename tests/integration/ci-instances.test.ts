import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNko } from '../helpers/nko.ts';
import { startTwoInstances, type Instances } from '../helpers/instances.ts';
import { client, login } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';
import type { Artifact, PipelineRun } from '@/lib/apps/ci/types.ts';

// CI artifacts with two instances (one PostgreSQL, Redis): the files are in the leader's data directory, and a
// follower sends the uploads and downloads to the leader — an `nko --exec ci` agent pointed at the follower uploads
// its step's output through it, and the artifact downloads through either instance.

const BASE = '/apis/ci.entroos.io/v1/namespaces/default';
let instances: Instances;
let agent: ChildProcess | undefined;
const workDir = mkdtempSync(join(tmpdir(), 'nko-ci-instances-'));

beforeAll(async () => {
  instances = await startTwoInstances();
}, 90_000);
afterAll(async () => {
  agent?.kill('SIGKILL');
  await instances?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('CI artifacts across instances', () => {
  it('an agent on the follower uploads through it, and the artifact downloads through either instance', async () => {
    const { a, b } = instances;
    const token = await login(a.url);
    const viaB = client(b.url, token);
    // b follows a: the files are on a's disk only.
    await until(() => /follower/.test(b.output()), 'b to be a follower', 10_000);
    agent = startNko(b.url, [
      '--token',
      token,
      '--nodes',
      '1',
      '--prefix',
      'far',
      '--lease-seconds',
      '1',
      '--exec',
      'ci',
      '--work-dir',
      workDir,
    ]).child;
    await until(
      async () =>
        (await viaB.get('/api/v1/nodes/far-1')).body?.status?.conditions?.find(
          (c: { type: string }) => c.type === 'Ready',
        )?.status === 'True',
      'the agent node to be Ready',
      30_000,
    );
    const content = 'built across instances\n';
    const created = await viaB.post(`${BASE}/pipelines`, {
      metadata: { name: 'spread' },
      spec: {
        steps: [
          {
            name: 'make',
            image: 'alpine:3.20',
            exec: true,
            script: `printf '${content.trim()}\\n' > out.txt`,
            outputs: [{ name: 'out', path: 'out.txt' }],
          },
        ],
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(
      (await viaB.post(`${BASE}/pipelineruns`, { metadata: { name: 'spread-1' }, spec: { pipeline: 'spread' } }))
        .status,
    ).toBe(201);
    const run = (await until(
      async () => {
        const r = (await viaB.get<PipelineRun>(`${BASE}/pipelineruns/spread-1`)).body;
        return ['Succeeded', 'Failed'].includes(r.status?.phase ?? '') ? r : undefined;
      },
      'the run to finish',
      30_000,
    )) as PipelineRun;
    expect(run.status?.phase, JSON.stringify(run.status)).toBe('Succeeded');
    const name = run.status!.steps[0].outputs!.out;
    const artifact = (await viaB.get<Artifact>(`${BASE}/artifacts/${name}`)).body;
    expect(artifact.spec.digest).toBe(`sha256:${createHash('sha256').update(content).digest('hex')}`);
    expect(artifact.spec.provenance.placement?.node).toBe('far-1');
    for (const server of [a, b]) {
      const res = await fetch(`${server.url}${BASE}/artifacts/${name}/content`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status, server.url).toBe(200);
      expect(await res.text()).toBe(content);
    }
  });
});
