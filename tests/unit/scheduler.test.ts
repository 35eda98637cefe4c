import { describe, expect, it } from 'vitest';
import { EntropyTracker, entropyNaive } from '@/lib/scheduler/entropy.ts';
import { SchedulingQueue } from '@/lib/scheduler/queue.ts';
import { NodeInfo } from '@/lib/scheduler/node-info.ts';
import { nonZeroRequests, podRequests } from '@/lib/scheduler/resources.ts';
import { NodeResourcesFit } from '@/lib/scheduler/plugins/node-resources-fit.ts';
import { TaintTolerationFilter } from '@/lib/scheduler/plugins/taint-toleration.ts';
import { NodeAffinityFilter, NodeAffinityScore } from '@/lib/scheduler/plugins/node-affinity.ts';
import { NodeUnschedulable } from '@/lib/scheduler/plugins/node-unschedulable.ts';
import { PodTopologySpread } from '@/lib/scheduler/plugins/pod-topology-spread.ts';
import { Entropy, Pack } from '@/lib/scheduler/plugins/entropy.ts';
import { nodesToFind, schedulerConfigSchema, DEFAULT_SCHEDULER_CONFIG } from '@/lib/scheduler/profiles.ts';
import { unschedulableMessage } from '@/lib/scheduler/scheduler.ts';
import type { ClusterView, CycleState, SchedulingPod } from '@/lib/scheduler/types.ts';
import type { NodeSpec, PodSpec } from '@/lib/apimachinery/generated/kinds.ts';

interface NodeExtra {
  labels?: Record<string, string>;
  spec?: NodeSpec;
  cpu?: string;
  memory?: string;
  pods?: string;
}
/** Spec fields for the pod, and its one container's requests. */
type PodExtra = Partial<PodSpec> & { requests?: Record<string, string> };

const node = (name: string, extra: NodeExtra = {}) =>
  new NodeInfo({
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(extra.labels ?? {}) } },
    spec: extra.spec ?? {},
    status: { allocatable: { cpu: extra.cpu ?? '4', memory: extra.memory ?? '8Gi', pods: extra.pods ?? '110' } },
  });
const pod = (name: string, spec: PodExtra = {}, labels: Record<string, string> = {}): SchedulingPod => ({
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    resourceVersion: '1',
    labels,
    creationTimestamp: '2026-01-01T00:00:00Z',
  },
  spec: {
    containers: [{ name: 'c', image: 'i', resources: { requests: spec.requests ?? { cpu: '1', memory: '1Gi' } } }],
    ...spec,
  },
});
const stateFor = (p: SchedulingPod): CycleState => ({
  pod: p,
  requests: podRequests(p),
  nonZero: nonZeroRequests(podRequests(p)),
  data: new Map(),
});

describe('entropy', () => {
  it('keeps running sums equal to the naive definition after many updates', () => {
    const values = Array.from({ length: 200 }, (_, i) => ((i * 37) % 101) / 100);
    const tracker = new EntropyTracker();
    tracker.reset(values);
    for (let step = 0; step < 500; step++) {
      const i = (step * 7) % values.length;
      const next = ((step * 13) % 97) / 80;
      const predicted = tracker.entropyIf(values[i], next);
      tracker.remove(values[i]);
      tracker.add(next);
      values[i] = next;
      expect(tracker.entropy()).toBeCloseTo(entropyNaive(values), 6);
      expect(predicted).toBeCloseTo(tracker.entropy(), 6);
    }
  });

  it('scales to 100 for an even cluster and prefers the emptier node', () => {
    const nodes = [node('a'), node('b'), node('c')];
    nodes[0].addPod('x', pod('x', { requests: { cpu: '2', memory: '4Gi' } }));
    const tracker = new EntropyTracker();
    tracker.reset(nodes.map((n) => n.utilisation(0.5)));
    const cluster: ClusterView = { nodes, entropy: tracker, cpuWeight: 0.5 };
    const s = stateFor(pod('p'));
    const spread = nodes.map((n) => Entropy.score(s, n, cluster));
    expect(spread[1]).toBeGreaterThan(spread[0]);
    expect(spread[1]).toBeCloseTo(spread[2]);
    const pack = nodes.map((n) => Pack.score(s, n, cluster));
    expect(pack[0]).toBeGreaterThan(pack[1]); // the opposite policy
    const even = new EntropyTracker();
    even.reset([0.3, 0.3, 0.3]);
    expect(even.scaled(even.entropy())).toBeCloseTo(100);
  });
});

describe('SchedulingQueue', () => {
  it('pops by priority, then age, and backs off failures', async () => {
    const q = new SchedulingQueue(30, 60);
    q.add('low', { ...pod('low'), spec: { containers: [], priority: 0 } });
    q.add('high', { ...pod('high'), spec: { containers: [], priority: 100 } });
    q.add('older', {
      ...pod('older'),
      metadata: { ...pod('older').metadata, creationTimestamp: '2025-01-01T00:00:00Z' },
      spec: { containers: [], priority: 0 },
    });
    expect([q.pop()!.key, q.pop()!.key, q.pop()!.key]).toEqual(['high', 'older', 'low']);
    q.add('retry', pod('retry'));
    const item = q.pop()!;
    q.requeueBackoff(item);
    expect(q.pop()).toBeUndefined();
    await new Promise((r) => setTimeout(r, 40));
    expect(q.pop()?.key).toBe('retry');
  });

  it('parks unschedulable pods until a cluster event', () => {
    const q = new SchedulingQueue(0, 0);
    q.add('p', pod('p'));
    q.requeueUnschedulable(q.pop()!);
    expect(q.pop()).toBeUndefined();
    expect(q.sizes.unschedulable).toBe(1);
    q.moveAllToActive();
    expect(q.pop()?.key).toBe('p');
  });
});

describe('filter plugins', () => {
  const cluster = (nodes: NodeInfo[]): ClusterView => ({ nodes, entropy: new EntropyTracker(), cpuWeight: 0.5 });

  it('NodeResourcesFit names the missing resource', () => {
    const n = node('n', { cpu: '1', memory: '512Mi', pods: '1' });
    expect(NodeResourcesFit.filter(stateFor(pod('p', { requests: { cpu: '2' } })), n, cluster([n]))).toEqual({
      ok: false,
      reason: 'Insufficient cpu',
    });
    expect(NodeResourcesFit.filter(stateFor(pod('p', { requests: { memory: '1Gi' } })), n, cluster([n]))).toEqual({
      ok: false,
      reason: 'Insufficient memory',
    });
    n.addPod('x', pod('x', { requests: {} }));
    expect(NodeResourcesFit.filter(stateFor(pod('p', { requests: {} })), n, cluster([n]))).toEqual({
      ok: false,
      reason: 'Too many pods',
    });
    const gpu = new NodeInfo({
      metadata: { name: 'g' },
      status: { allocatable: { cpu: '4', memory: '8Gi', 'nvidia.com/gpu': '1' } },
    });
    expect(
      NodeResourcesFit.filter(stateFor(pod('p', { requests: { 'nvidia.com/gpu': '2' } })), gpu, cluster([gpu])),
    ).toEqual({ ok: false, reason: 'Insufficient nvidia.com/gpu' });
  });

  it('TaintToleration and NodeUnschedulable respect tolerations', () => {
    const tainted = node('t', { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } });
    expect(TaintTolerationFilter.filter(stateFor(pod('p')), tainted, cluster([tainted]))).toEqual({
      ok: false,
      reason: 'node(s) had untolerated taint {dedicated: gpu}',
    });
    expect(
      TaintTolerationFilter.filter(
        stateFor(
          pod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }),
        ),
        tainted,
        cluster([tainted]),
      ).ok,
    ).toBe(true);
    const cordoned = node('c', { spec: { unschedulable: true } });
    expect(NodeUnschedulable.filter(stateFor(pod('p')), cordoned, cluster([cordoned]))).toEqual({
      ok: false,
      reason: 'node(s) were unschedulable',
    });
  });

  it('NodeAffinity checks nodeSelector, required terms, and scores preferred terms', () => {
    const ssd = node('s', { labels: { disk: 'ssd', zone: 'a' } });
    const hdd = node('h', { labels: { disk: 'hdd', zone: 'b' } });
    const selector = stateFor(pod('p', { nodeSelector: { disk: 'ssd' } }));
    expect(NodeAffinityFilter.filter(selector, ssd, cluster([ssd])).ok).toBe(true);
    expect(NodeAffinityFilter.filter(selector, hdd, cluster([hdd])).ok).toBe(false);
    const required = stateFor(
      pod('p', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }],
            },
          },
        },
      }),
    );
    expect(NodeAffinityFilter.filter(required, ssd, cluster([ssd])).ok).toBe(false);
    expect(NodeAffinityFilter.filter(required, hdd, cluster([hdd])).ok).toBe(true);
    const preferred = stateFor(
      pod('p', {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
            ],
          },
        },
      }),
    );
    expect(
      NodeAffinityScore.normalizeScores!([
        NodeAffinityScore.score(preferred, ssd, cluster([ssd])),
        NodeAffinityScore.score(preferred, hdd, cluster([hdd])),
      ]),
    ).toEqual([100, 0]);
  });

  it('PodTopologySpread keeps the skew within maxSkew', () => {
    const a = node('a', { labels: { zone: 'a' } });
    const b = node('b', { labels: { zone: 'b' } });
    a.addPod('x', pod('x', {}, { app: 'web' }));
    const s = stateFor(
      pod(
        'p',
        {
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'zone',
              whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: { matchLabels: { app: 'web' } },
            },
          ],
        },
        { app: 'web' },
      ),
    );
    const view = cluster([a, b]);
    PodTopologySpread.preFilter!(s, view);
    expect(PodTopologySpread.filter(s, a, view).ok).toBe(false);
    expect(PodTopologySpread.filter(s, b, view).ok).toBe(true);
  });
});

describe('profiles and messages', () => {
  it('computes how many nodes to score like kube-scheduler', () => {
    expect(nodesToFind(50, 0)).toBe(50);
    expect(nodesToFind(1000, 0)).toBe(420); // 50 − 1000/125 = 42 %
    expect(nodesToFind(5000, 0)).toBe(500); // 50 − 40 = 10 %
    expect(nodesToFind(10_000, 0)).toBe(500); // floor at 5 %
    expect(nodesToFind(5000, 100)).toBe(5000);
  });

  it('validates configurations', () => {
    expect(schedulerConfigSchema.safeParse(DEFAULT_SCHEDULER_CONFIG).success).toBe(true);
    const bad = schedulerConfigSchema.safeParse({ ...DEFAULT_SCHEDULER_CONFIG, defaultProfile: 'nope' });
    expect(bad.success).toBe(false);
    expect(
      schedulerConfigSchema.safeParse({
        ...DEFAULT_SCHEDULER_CONFIG,
        profiles: [{ name: 'x', scores: [{ name: 'Magic', weight: 1 }] }],
        defaultProfile: 'x',
      }).success,
    ).toBe(false);
  });

  it('writes FailedScheduling messages like kube-scheduler', () => {
    expect(
      unschedulableMessage(50, { 'Insufficient cpu': 30, 'node(s) had untolerated taint {dedicated: gpu}': 20 }),
    ).toBe('0/50 nodes are available: 30 Insufficient cpu, 20 node(s) had untolerated taint {dedicated: gpu}.');
    expect(unschedulableMessage(0, {})).toContain('no nodes');
  });
});
