import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';
import { kubectlFor, until, type Kubectl } from '../helpers/kubectl.ts';

// StatefulSets and DaemonSets on the simulated nodes, driven with the real kubectl and watched through the API.

let server: TestServer;
let api: ReturnType<typeof client>;
let token: string;
let kubectl: Kubectl;
const agents: ChildProcess[] = [];
const NS = '/api/v1/namespaces/default';
const APPS = '/apis/apps/v1/namespaces/default';

interface WatchEvent {
  type: string;
  object: any;
}

/** Streams watch events of `path` into a list until stopped; resolves once the watch is open. */
async function watchEvents(path: string) {
  const events: WatchEvent[] = [];
  const controller = new AbortController();
  const res = await fetch(`${server.url}${path}${path.includes('?') ? '&' : '?'}watch=true`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  void (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line) events.push(JSON.parse(line));
      }
    }
  })().catch(() => {});
  return { events, stop: () => controller.abort() };
}

/** A JSON merge patch (the test client's PATCH sends plain JSON). */
const mergePatch = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: await r.json() }));

const ready = (pod: any) =>
  pod.status?.phase === 'Running' &&
  (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
const podsOf = async (app: string) =>
  ((await api.get(`${NS}/pods?labelSelector=app%3D${app}`)).body.items as any[]).filter(
    (p) => !p.metadata.deletionTimestamp,
  );

const statefulSet = (name: string, replicas: number, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: {
    replicas,
    serviceName: name,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'main', image: 'nginx:1.26', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
      },
    },
    ...extra,
  },
});

const daemonSet = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'agent', image: 'busybox:1.36', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
        ...extra,
      },
    },
  },
});

beforeAll(async () => {
  server = await startServer({
    env: { ENTROOS_NODES: '2', ENTROOS_LEASE_SECONDS: '1', ENTROOS_NODE_GRACE_SECONDS: '3' },
  });
  token = await login(server.url);
  api = client(server.url, token);
  kubectl = await kubectlFor(server);
});
afterAll(async () => {
  for (const a of agents) a.kill('SIGKILL');
  await server?.stop();
});

describe('StatefulSet', () => {
  it('rejects invalid specs and changes to fixed fields with 422 causes, and fills the upstream defaults', async () => {
    const bad = await api.post(`${APPS}/statefulsets`, {
      metadata: { name: 'bad' },
      spec: {
        replicas: -1,
        serviceName: 'Not_A_Label',
        podManagementPolicy: 'Sometimes',
        updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } },
        selector: { matchLabels: { app: 'x' } },
        template: {
          metadata: { labels: { app: 'y' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'nginx' }] },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.reason).toBe('Invalid');
    const fields = bad.body.details.causes.map((c: any) => c.field);
    for (const f of [
      'spec.replicas',
      'spec.serviceName',
      'spec.podManagementPolicy',
      'spec.updateStrategy.rollingUpdate',
      'spec.template.metadata.labels',
      'spec.template.spec.restartPolicy',
      'spec.volumeClaimTemplates[0].spec.accessModes',
    ])
      expect(fields).toContain(f);
    expect(
      (
        await api.post(`${APPS}/statefulsets`, {
          ...statefulSet('bad', 1),
          spec: { ...statefulSet('bad', 1).spec, updateStrategy: { rollingUpdate: { maxUnavailable: 0 } } },
        })
      ).body.details.causes,
    ).toContainEqual(expect.objectContaining({ field: 'spec.updateStrategy.rollingUpdate.maxUnavailable' }));

    const created = await api.post(
      `${APPS}/statefulsets`,
      statefulSet('claims', 0, {
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ],
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body.spec).toMatchObject({
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    expect(created.body.spec.volumeClaimTemplates[0]).toMatchObject({
      metadata: { name: 'data' },
      spec: { volumeMode: 'Filesystem', resources: { requests: { storage: '1Gi' } } },
    });
    const changed = await mergePatch(`${APPS}/statefulsets/claims`, { spec: { podManagementPolicy: 'Parallel' } });
    expect(changed.status).toBe(422);
    expect(changed.body.details.causes[0]).toMatchObject({ field: 'spec', reason: 'FieldValueForbidden' });
    expect(changed.body.details.causes[0].message).toContain(
      "updates to statefulset spec for fields other than 'replicas'",
    );
    expect(
      (
        await mergePatch(`${APPS}/statefulsets/claims`, {
          spec: { updateStrategy: { rollingUpdate: { partition: 2 } } },
        })
      ).status,
    ).toBe(200);
    const scale = (await api.get(`${APPS}/statefulsets/claims/scale`)).body;
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 0 }, status: { selector: 'app=claims' } });
  });

  it('creates pods in ordinal order, each once the one before is Ready, with stable identities', async () => {
    const watch = await watchEvents(`${NS}/pods?labelSelector=app%3Dweb`);
    await api.post(`${APPS}/statefulsets`, statefulSet('web', 3));
    await until(async () => (await podsOf('web')).filter(ready).length === 3, 'three ready pods', 30_000);
    const added = watch.events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name);
    expect(added).toEqual(['web-0', 'web-1', 'web-2']);
    // When each pod was created, the one before it had already been seen Running and Ready.
    for (const [i, name] of ['web-1', 'web-2'].entries()) {
      const at = watch.events.findIndex((e) => e.type === 'ADDED' && e.object.metadata.name === name);
      expect(watch.events.slice(0, at).some((e) => e.object.metadata.name === `web-${i}` && ready(e.object))).toBe(
        true,
      );
    }
    watch.stop();
    const pod = (await api.get(`${NS}/pods/web-1`)).body;
    expect(pod.metadata.labels).toMatchObject({
      'statefulset.kubernetes.io/pod-name': 'web-1',
      'apps.kubernetes.io/pod-index': '1',
      'controller-revision-hash': expect.stringMatching(/^web-/),
    });
    expect(pod.spec).toMatchObject({ hostname: 'web-1', subdomain: 'web' });
    expect(pod.metadata.ownerReferences[0]).toMatchObject({ kind: 'StatefulSet', name: 'web', controller: true });
    const sts = await until(async () => {
      const s = (await api.get(`${APPS}/statefulsets/web`)).body;
      return s.status.readyReplicas === 3 ? s : undefined;
    }, 'status readyReplicas 3');
    expect(sts.status).toMatchObject({
      replicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
      collisionCount: 0,
    });
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    expect(sts.status.updateRevision).toBe(pod.metadata.labels['controller-revision-hash']);

    const table = await kubectl.run('get', 'statefulsets', 'web', '-o', 'wide');
    expect(table).toMatch(/NAME\s+READY\s+AGE\s+CONTAINERS\s+IMAGES/);
    expect(table).toMatch(/web\s+3\/3\s+\S+\s+main\s+nginx:1\.26/);
    const described = await kubectl.run('describe', 'statefulset', 'web');
    expect(described).toMatch(/Pods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed/);
    expect(described).toContain('create Pod web-2 in StatefulSet web successful');
  });

  it('brings a deleted pod back under the same name', async () => {
    const before = (await api.get(`${NS}/pods/web-1`)).body;
    await kubectl.run('delete', 'pod', 'web-1', '--wait=false');
    const after = await until(
      async () => {
        const r = await api.get(`${NS}/pods/web-1`);
        return r.status === 200 && r.body.metadata.uid !== before.metadata.uid && ready(r.body) ? r.body : undefined;
      },
      'web-1 to come back',
      20_000,
    );
    expect(after.metadata.name).toBe('web-1');
    expect(after.spec.hostname).toBe('web-1');
  });

  it('rolls an image update from the highest ordinal down, and kubectl rollout status returns', async () => {
    const watch = await watchEvents(`${NS}/pods?labelSelector=app%3Dweb`);
    await kubectl.run('set', 'image', 'statefulset/web', 'main=nginx:1.27');
    const status = await kubectl.run('rollout', 'status', 'statefulset/web', '--timeout=60s');
    // Defaults give every RollingUpdate a partition (0), so kubectl words a finished rollout as partitioned.
    expect(status).toContain('partitioned roll out complete: 3 new pods have been updated');
    watch.stop();
    const deleted = watch.events.filter((e) => e.type === 'DELETED').map((e) => e.object.metadata.name);
    expect(deleted).toEqual(['web-2', 'web-1', 'web-0']);
    for (const p of await podsOf('web')) expect(p.spec.containers[0].image).toBe('nginx:1.27');
    const sts = (await api.get(`${APPS}/statefulsets/web`)).body;
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    expect(sts.status.observedGeneration).toBe(2);
    const history = await kubectl.run('rollout', 'history', 'statefulset/web');
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\s*\n1\s+<none>\s*\n2\s+<none>/);
    const revisions = await kubectl.run('get', 'controllerrevisions', '-l', 'app=web');
    expect(revisions).toMatch(/NAME\s+CONTROLLER\s+REVISION\s+AGE/);
    expect(revisions).toContain('statefulset.apps/web');
  });

  it('holds the ordinals below the partition at the old revision, then rolls back with rollout undo', async () => {
    await mergePatch(`${APPS}/statefulsets/web`, { spec: { updateStrategy: { rollingUpdate: { partition: 2 } } } });
    await kubectl.run('set', 'image', 'statefulset/web', 'main=nginx:1.28');
    const status = await kubectl.run('rollout', 'status', 'statefulset/web', '--timeout=60s');
    expect(status).toContain('partitioned roll out complete: 1 new pods have been updated');
    const images = async () =>
      Object.fromEntries((await podsOf('web')).map((p) => [p.metadata.name, p.spec.containers[0].image]));
    expect(await images()).toEqual({ 'web-0': 'nginx:1.27', 'web-1': 'nginx:1.27', 'web-2': 'nginx:1.28' });
    let sts = (await api.get(`${APPS}/statefulsets/web`)).body;
    expect(sts.status).toMatchObject({ updatedReplicas: 1, currentReplicas: 2 });
    expect(sts.status.currentRevision).not.toBe(sts.status.updateRevision);

    await mergePatch(`${APPS}/statefulsets/web`, { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    await kubectl.run('rollout', 'undo', 'statefulset/web', '--to-revision=2');
    await kubectl.run('rollout', 'status', 'statefulset/web', '--timeout=60s');
    await until(async () => Object.values(await images()).every((i) => i === 'nginx:1.27'), 'all pods back on 1.27');
    sts = (await api.get(`${APPS}/statefulsets/web`)).body;
    expect(sts.spec.template.spec.containers[0].image).toBe('nginx:1.27');
    const history = await kubectl.run('rollout', 'history', 'statefulset/web');
    // Revision 2's template is now the newest: it is renumbered 4.
    expect(history).toMatch(/\n1\s+<none>\s*\n3\s+<none>\s*\n4\s+<none>/);
  });

  it('scales down from the highest ordinal, one at a time', async () => {
    const watch = await watchEvents(`${NS}/pods?labelSelector=app%3Dweb`);
    await kubectl.run('scale', 'statefulset/web', '--replicas=1');
    await until(
      async () => (await api.get(`${NS}/pods?labelSelector=app%3Dweb`)).body.items.length === 1,
      'one pod',
      20_000,
    );
    // The list can show the second deletion before the watch stream has delivered it: wait for the event.
    await until(
      async () => watch.events.filter((e) => e.type === 'DELETED').length >= 2,
      'both deletions watched',
      20_000,
    );
    watch.stop();
    const deleted = watch.events.filter((e) => e.type === 'DELETED').map((e) => e.object.metadata.name);
    expect(deleted).toEqual(['web-2', 'web-1']);
    // web-1's deletion began only after web-2 was gone.
    const gone2 = watch.events.findIndex((e) => e.type === 'DELETED' && e.object.metadata.name === 'web-2');
    const began1 = watch.events.findIndex(
      (e) => e.object.metadata.name === 'web-1' && e.object.metadata.deletionTimestamp,
    );
    expect(began1 === -1 || began1 > gone2).toBe(true);
    const sts = await until(async () => {
      const s = (await api.get(`${APPS}/statefulsets/web`)).body;
      return s.status.replicas === 1 ? s : undefined;
    }, 'status replicas 1');
    expect(sts.status.readyReplicas).toBe(1);
  });

  it('applies a manifest twice (unchanged the second time), client- and server-side, and lists it in "all"', async () => {
    const manifest = JSON.stringify({ apiVersion: 'apps/v1', kind: 'StatefulSet', ...statefulSet('applied', 1) });
    const file = join(kubectl.home, 'applied.json');
    writeFileSync(file, manifest);
    expect(await kubectl.run('apply', '-f', file)).toContain('statefulset.apps/applied created');
    expect(await kubectl.run('apply', '-f', file)).toContain('statefulset.apps/applied unchanged');
    expect(await kubectl.run('apply', '--server-side', '-f', file)).toContain(
      'statefulset.apps/applied serverside-applied',
    );
    const ds = join(kubectl.home, 'ds.json');
    writeFileSync(ds, JSON.stringify({ apiVersion: 'apps/v1', kind: 'DaemonSet', ...daemonSet('applied-ds') }));
    expect(await kubectl.run('apply', '-f', ds)).toContain('daemonset.apps/applied-ds created');
    expect(await kubectl.run('apply', '-f', ds)).toContain('daemonset.apps/applied-ds unchanged');
    const all = await kubectl.run('get', 'all');
    expect(all).toContain('statefulset.apps/applied');
    expect(all).toContain('daemonset.apps/applied-ds');
    await kubectl.run('delete', 'statefulset', 'applied');
    await kubectl.run('delete', 'daemonset', 'applied-ds');
  });

  it('counts a pod available only minReadySeconds after it is Ready', async () => {
    await api.post(`${APPS}/statefulsets`, statefulSet('slow', 1, { minReadySeconds: 2 }));
    const readyAt = await until(
      async () => {
        const s = (await api.get(`${APPS}/statefulsets/slow`)).body.status;
        return s.readyReplicas === 1 ? s : undefined;
      },
      'a ready replica',
      20_000,
    );
    expect(readyAt.availableReplicas).toBe(0);
    // No write announces availability: the controller comes back on its own when it is due.
    await until(
      async () => (await api.get(`${APPS}/statefulsets/slow`)).body.status.availableReplicas === 1,
      'available',
      8_000,
    );
  });

  it('creates and removes every pod at once with Parallel', async () => {
    await api.post(`${APPS}/statefulsets`, statefulSet('par', 3, { podManagementPolicy: 'Parallel' }));
    await until(async () => (await podsOf('par')).length === 3, 'three pods at once', 5_000);
    await until(async () => (await podsOf('par')).filter(ready).length === 3, 'three ready pods', 30_000);
  });
});

describe('DaemonSet', () => {
  it('validates, defaults, and prints its table', async () => {
    const bad = await api.post(`${APPS}/daemonsets`, {
      metadata: { name: 'bad' },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        updateStrategy: { type: 'Sometimes' },
        template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.details.causes.map((c: any) => c.field)).toEqual(
      expect.arrayContaining(['spec.updateStrategy.type', 'spec.template.metadata.labels']),
    );
    const zero = await api.post(`${APPS}/daemonsets`, {
      ...daemonSet('zero'),
      spec: { ...daemonSet('zero').spec, updateStrategy: { rollingUpdate: { maxUnavailable: 0 } } },
    });
    expect(zero.body.details.causes).toContainEqual(
      expect.objectContaining({ field: 'spec.updateStrategy.rollingUpdate.maxUnavailable' }),
    );
  });

  it(
    'runs one pod per node, follows a node joining and leaving, and rolls an update',
    { timeout: 90_000 },
    async () => {
      const created = await api.post(`${APPS}/daemonsets`, daemonSet('agent'));
      expect(created.status).toBe(201);
      expect(created.body.spec.updateStrategy).toEqual({
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
      });
      expect(await kubectl.run('rollout', 'status', 'daemonset/agent', '--timeout=60s')).toContain(
        'daemon set "agent" successfully rolled out',
      );
      let pods = await podsOf('agent');
      expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(['entroos-node-1', 'entroos-node-2']);
      const pod = pods[0];
      expect(pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: [pod.spec.nodeName] }] },
      ]);
      expect(pod.spec.tolerations).toContainEqual({
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
      });
      expect(pod.metadata.labels).toMatchObject({
        'controller-revision-hash': expect.any(String),
        'pod-template-generation': '1',
      });
      const table = await kubectl.run('get', 'ds', 'agent');
      expect(table).toMatch(/NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE/);
      expect(table).toMatch(/agent\s+2\s+2\s+2\s+2\s+2\s+<none>/);

      // A node joins (a standalone agent) and gets its daemon pod.
      const agent = spawn(
        process.execPath,
        [
          join(ROOT, 'bin/nko.mjs'),
          '--server',
          server.url,
          '--token',
          token,
          '--nodes',
          '1',
          '--prefix',
          'joiner',
          '--lease-seconds',
          '1',
        ],
        { stdio: 'ignore' },
      );
      agents.push(agent);
      await until(
        async () => (await podsOf('agent')).some((p) => p.spec.nodeName === 'joiner-1' && ready(p)),
        'a ready daemon pod on the new node',
        30_000,
      );
      await until(
        async () => (await api.get(`${APPS}/daemonsets/agent`)).body.status.numberReady === 3,
        'numberReady 3',
      );
      // It leaves: its pod goes, and the DaemonSet wants two again.
      agent.kill('SIGKILL');
      await kubectl.run('delete', 'node', 'joiner-1');
      await until(async () => (await podsOf('agent')).length === 2, 'the pod of the removed node to go', 15_000);
      await until(async () => {
        const s = (await api.get(`${APPS}/daemonsets/agent`)).body.status;
        return s.desiredNumberScheduled === 2 && s.numberAvailable === 2;
      }, 'desiredNumberScheduled 2');

      // A rolling update replaces one node's pod at a time.
      const watch = await watchEvents(`${NS}/pods?labelSelector=app%3Dagent`);
      await kubectl.run('set', 'image', 'daemonset/agent', 'agent=busybox:1.37');
      expect(await kubectl.run('rollout', 'status', 'daemonset/agent', '--timeout=60s')).toContain(
        'successfully rolled out',
      );
      watch.stop();
      pods = await podsOf('agent');
      expect(pods.map((p) => p.spec.containers[0].image)).toEqual(['busybox:1.37', 'busybox:1.37']);
      // maxUnavailable 1: the second old pod was deleted only after the first replacement was Ready.
      const deletions = watch.events
        .map((e, i) => ({ e, i }))
        .filter(
          ({ e }) =>
            (e.type === 'DELETED' || e.object.metadata.deletionTimestamp) &&
            e.object.spec.containers[0].image === 'busybox:1.36',
        );
      const firstOld = deletions[0].e.object.metadata.name;
      const secondAt = deletions.find(({ e }) => e.object.metadata.name !== firstOld)!.i;
      expect(
        watch.events
          .slice(0, secondAt)
          .some((e) => e.object.spec.containers[0].image === 'busybox:1.37' && ready(e.object)),
      ).toBe(true);
      const status = (await api.get(`${APPS}/daemonsets/agent`)).body.status;
      expect(status).toMatchObject({
        desiredNumberScheduled: 2,
        currentNumberScheduled: 2,
        updatedNumberScheduled: 2,
        numberReady: 2,
        numberAvailable: 2,
        numberMisscheduled: 0,
        observedGeneration: 2,
      });
      expect(await kubectl.run('rollout', 'history', 'daemonset/agent')).toMatch(/\n1\s+<none>\s*\n2\s+<none>/);
      await kubectl.run('rollout', 'undo', 'daemonset/agent');
      await kubectl.run('rollout', 'status', 'daemonset/agent', '--timeout=60s');
      await until(
        async () => (await podsOf('agent')).every((p) => p.spec.containers[0].image === 'busybox:1.36'),
        'the undo to roll back',
        20_000,
      );
    },
  );

  it('surges a new pod beside the old one with maxSurge, removing the old one once the new one is ready', async () => {
    const body = daemonSet('surge');
    await api.post(`${APPS}/daemonsets`, {
      ...body,
      spec: { ...body.spec, updateStrategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
    });
    await kubectl.run('rollout', 'status', 'daemonset/surge', '--timeout=60s');
    const watch = await watchEvents(`${NS}/pods?labelSelector=app%3Dsurge`);
    await kubectl.run('set', 'image', 'daemonset/surge', 'agent=busybox:1.37');
    await kubectl.run('rollout', 'status', 'daemonset/surge', '--timeout=60s');
    // rollout status is done once the new pods are available; the last old pod may still be on its way out.
    const oldDeletions = () =>
      watch.events.filter(
        (e) =>
          (e.type === 'DELETED' || e.object.metadata.deletionTimestamp) &&
          e.object.spec.containers[0].image === 'busybox:1.36',
      );
    await until(
      () => new Set(oldDeletions().map((e) => e.object.metadata.name)).size >= 2,
      'both old pods deleted',
      20_000,
    );
    await until(
      async () => (await podsOf('surge')).every((p) => p.spec.containers[0].image === 'busybox:1.37'),
      'only new pods',
      20_000,
    );
    watch.stop();
    // Every old pod's deletion came after a ready new pod on its node.
    const oldGone = oldDeletions();
    for (const gone of oldGone) {
      const at = watch.events.indexOf(gone);
      expect(
        watch.events
          .slice(0, at)
          .some(
            (e) =>
              e.object.spec.nodeName === gone.object.spec.nodeName &&
              e.object.spec.containers[0].image === 'busybox:1.37' &&
              ready(e.object),
          ),
      ).toBe(true);
    }
    expect((await podsOf('surge')).map((p) => p.spec.containers[0].image)).toEqual(['busybox:1.37', 'busybox:1.37']);
  });

  it('places pods only on the nodes its nodeSelector picks', async () => {
    await kubectl.run('label', 'node', 'entroos-node-2', 'disk=ssd');
    await api.post(`${APPS}/daemonsets`, daemonSet('picky', { nodeSelector: { disk: 'ssd' } }));
    await until(async () => (await podsOf('picky')).filter(ready).length === 1, 'one ready pod', 20_000);
    expect((await podsOf('picky'))[0].spec.nodeName).toBe('entroos-node-2');
    await kubectl.run('label', 'node', 'entroos-node-1', 'disk=ssd');
    await until(async () => (await podsOf('picky')).length === 2, 'a pod on the newly labelled node', 20_000);
    await kubectl.run('label', 'node', 'entroos-node-2', 'disk-');
    await until(
      async () => (await podsOf('picky')).map((p) => p.spec.nodeName).join() === 'entroos-node-1',
      'the pod on the unlabelled node to go',
      20_000,
    );
    // A NoExecute taint the pod does not tolerate removes it; a NoSchedule one does not.
    await kubectl.run('taint', 'node', 'entroos-node-1', 'dedicated=infra:NoSchedule');
    await until(
      async () => (await api.get(`${APPS}/daemonsets/picky`)).body.status.desiredNumberScheduled === 0,
      'desired 0',
    );
    expect((await podsOf('picky')).length).toBe(1);
    await kubectl.run('taint', 'node', 'entroos-node-1', 'dedicated=infra:NoExecute');
    await until(
      async () => (await podsOf('picky')).length === 0,
      'the pod on the NoExecute-tainted node to go',
      20_000,
    );
  });
});
