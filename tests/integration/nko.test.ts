import type { ChildProcess } from 'node:child_process';
import { startNko } from '../helpers/nko.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';

// The standalone node agent (bin/nko.mjs) joining a running server over HTTP.

let server: TestServer;
let api: ReturnType<typeof client>;
let token: string;
const agents: ChildProcess[] = [];

function nko(args: string[]) {
  const agent = startNko(server.url, args);
  agents.push(agent.child);
  return agent;
}

const podsOf = async (app: string) =>
  (await api.get(`/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`)).body.items as any[];

beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_NODE_GRACE_SECONDS: '2' } });
  token = await login(server.url);
  api = client(server.url, token);
});
afterAll(async () => {
  for (const a of agents) a.kill('SIGKILL');
  await server?.stop();
});

describe('standalone nko', () => {
  it('says in one line when the token is wrong, and keeps retrying', async () => {
    const bad = nko(['--token', 'eos_wrong', '--nodes', '1']);
    await until(() => /nko: the server refused the token \(401/.test(bad.output()), 'the refusal line', 10_000);
    expect(bad.child.exitCode).toBeNull(); // still retrying
    bad.child.kill('SIGKILL');
    const usage = nko(['--token', token, '--nodes', 'many']);
    await until(() => usage.child.exitCode !== null, 'the usage error', 10_000);
    expect(usage.output()).toContain('nko: --nodes must be a whole number from 1 to 5000 (got "many")');
  });

  it('joins with its nodes, runs pods, and when killed its pods move to another agent', async () => {
    const first = nko([
      '--token',
      token,
      '--nodes',
      '2',
      '--profile',
      'edge',
      '--prefix',
      'edge-a',
      '--lease-seconds',
      '1',
    ]);
    await until(
      async () =>
        (await api.get('/api/v1/nodes')).body.items.filter(
          (n: any) =>
            n.metadata.name.startsWith('edge-a-') &&
            n.status.conditions.find((c: any) => c.type === 'Ready')?.status === 'True',
        ).length === 2,
      'two Ready nodes',
      20_000,
    );
    await api.post('/apis/apps/v1/namespaces/default/deployments', {
      metadata: { name: 'roamer' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'roamer' } },
        template: {
          metadata: { labels: { app: 'roamer' } },
          spec: {
            containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
            tolerations: [
              { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 },
            ],
          },
        },
      },
    });
    await until(
      async () =>
        (await podsOf('roamer')).filter((p) => p.status.phase === 'Running' && p.spec.nodeName.startsWith('edge-a-'))
          .length === 2,
      'two pods running on edge-a',
      20_000,
    );

    // Logs and usage come from the agent's process, over the tunnel it opened.
    const pod = (await podsOf('roamer'))[0];
    const logs = await until(
      async () => {
        const r = await api.get(`/api/v1/namespaces/default/pods/${pod.metadata.name}/log`);
        return r.status === 200 ? r.text : undefined;
      },
      'the agent to answer a log request',
      10_000,
    );
    expect(logs).toContain('starting nginx:1.27 (container c)');
    const nodeMetrics = await until(
      async () => {
        const r = await api.get(`/apis/metrics.k8s.io/v1beta1/nodes/${pod.spec.nodeName}`);
        return r.status === 200 ? r.body : undefined;
      },
      'node metrics from the agent',
      10_000,
    );
    expect(nodeMetrics.usage.cpu).toMatch(/^\d+n$/);
    const podMetrics = (await api.get(`/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/${pod.metadata.name}`))
      .body;
    expect(podMetrics.containers).toEqual([{ name: 'c', usage: { cpu: '50000000n', memory: '65536Ki' } }]);

    first.child.kill('SIGKILL');
    await until(
      async () =>
        (await api.get('/api/v1/nodes/edge-a-1')).body.status.conditions.find((c: any) => c.type === 'Ready').status ===
        'Unknown',
      'edge-a-1 to turn Unknown',
      15_000,
    );
    const second = nko([
      '--token',
      token,
      '--nodes',
      '2',
      '--profile',
      'mixed',
      '--prefix',
      'rescue',
      '--lease-seconds',
      '1',
    ]);
    await until(
      async () => {
        const pods = await podsOf('roamer');
        return (
          pods.length === 2 && pods.every((p) => p.spec.nodeName?.startsWith('rescue-') && p.status.phase === 'Running')
        );
      },
      'the pods to run on the rescue agent',
      30_000,
    );
    expect(second.output()).toContain('running 2 mixed node(s) rescue-1…rescue-2');
  });
});
