import { describe, expect, it } from 'vitest';
import { EntropyTracker } from '@/lib/scheduler/entropy.ts';
import { NodeInfo } from '@/lib/scheduler/node-info.ts';
import { NodeTable } from '@/lib/scheduler/node-table.ts';
import { BatchCycle } from '@/lib/scheduler/cycle.ts';
import { entropyAfter, entropyAfterBatch } from '@/lib/scheduler/plugins/entropy.ts';
import { FILTER_PLUGINS, SCORE_PLUGINS } from '@/lib/scheduler/plugins/index.ts';
import { nodesToFind } from '@/lib/scheduler/profiles.ts';
import { nonZeroRequests, podRequests } from '@/lib/scheduler/resources.ts';
import { createSandbox, seededRandom } from '@/lib/scheduler/sandbox.ts';
import type { DecisionDetail, NodeDetail } from '@/lib/scheduler/decisions.ts';
import {
  SKIP,
  type BatchClusterView,
  type CycleState,
  type FilterPlugin,
  type SchedulingPod,
  type ScorePlugin,
} from '@/lib/scheduler/types.ts';
import type { PodSpec, Taint, Toleration } from '@/lib/apimachinery/generated/kinds.ts';

// The batch path (node table, one pass per plugin over all candidates) must
// decide exactly as the per-node framework: the same nodes evaluated, the same
// first failing filter and reason per node, bit-for-bit the same raw and
// normalised scores per plugin, and so the same node. The reference below is
// the straightforward one-call-per-node loop the scheduler ran before.

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const chance = (random: Random, p: number) => random() < p;

const TAINTS: Taint[] = [
  { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
  { key: 'spot', effect: 'PreferNoSchedule' },
  { key: 'maintenance', value: 'soon', effect: 'PreferNoSchedule' },
  { key: 'broken', effect: 'NoExecute' },
];
const TOLERATIONS: Toleration[] = [
  { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'spot', operator: 'Exists' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  { operator: 'Exists' },
];

let uid = 0;
function randomPod(random: Random, nodeNames: string[]): SchedulingPod {
  const name = `p${uid++}`;
  const requests: Record<string, string> = {};
  if (chance(random, 0.85)) requests.cpu = pick(random, ['50m', '100m', '250m', '500m', '1', '3', '7']);
  if (chance(random, 0.85)) requests.memory = pick(random, ['64Mi', '200Mi', '512Mi', '1Gi', '6Gi']);
  if (chance(random, 0.1)) requests['example.com/gpu'] = pick(random, ['1', '2']);
  const spec: PodSpec = { containers: [{ name: 'c', image: 'i', resources: { requests } }] };
  spec.priority = pick(random, [0, 0, 10, 1000]);
  if (chance(random, 0.4)) spec.tolerations = [pick(random, TOLERATIONS)];
  if (chance(random, 0.2)) spec.nodeSelector = { zone: pick(random, ['a', 'b', 'c']) };
  if (chance(random, 0.05)) spec.nodeName = pick(random, nodeNames);
  if (chance(random, 0.3))
    spec.affinity = {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
          { weight: 3, preference: { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] } },
        ],
        ...(chance(random, 0.3)
          ? {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
              },
            }
          : {}),
      },
    };
  if (chance(random, 0.15))
    spec.topologySpreadConstraints = [
      {
        maxSkew: 1,
        topologyKey: 'zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { app: 'x' } },
      },
    ];
  return {
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      resourceVersion: '1',
      labels: chance(random, 0.5) ? { app: 'x' } : {},
    },
    spec,
  };
}

/** A cluster with random sizes, labels, taints, cordons, pods and nominations, and its entropy sums after churn. */
function randomCluster(random: Random): BatchClusterView {
  const count = 1 + Math.floor(random() * 300);
  const names = Array.from({ length: count }, (_, i) => `n${i}`);
  const nodes = names.map((name) => {
    const taints = TAINTS.filter(() => chance(random, 0.12));
    const allocatable: Record<string, string> = {
      cpu: pick(random, ['0', '1', '2', '4', '16']),
      memory: pick(random, ['0', '2Gi', '8Gi', '64Gi']),
      pods: pick(random, ['2', '10', '110']),
    };
    if (chance(random, 0.2)) allocatable['example.com/gpu'] = pick(random, ['1', '4']);
    const labels: Record<string, string> = { 'kubernetes.io/hostname': name };
    if (chance(random, 0.9)) labels.zone = pick(random, ['a', 'b', 'c']);
    if (chance(random, 0.3)) labels.disk = 'ssd';
    return new NodeInfo({
      metadata: { name, labels },
      spec: { ...(taints.length ? { taints } : {}), ...(chance(random, 0.05) ? { unschedulable: true } : {}) },
      status: { allocatable },
    });
  });
  const cpuWeight = pick(random, [0, 0.3, 0.5, 1]);
  for (const n of nodes) n.setCpuWeight(cpuWeight);
  const entropy = new EntropyTracker();
  entropy.reset(nodes.map((n) => n.cachedU));
  for (let i = Math.floor(random() * count * 3); i > 0; i--) {
    const node = pick(random, nodes);
    const before = node.cachedU;
    const p = randomPod(random, names);
    const key = `default/${p.metadata.name}`;
    node.addPod(key, p);
    if (chance(random, 0.2)) node.removePod(key);
    entropy.remove(before);
    entropy.add(node.cachedU);
  }
  for (const node of nodes)
    if (chance(random, 0.05))
      node.nominated.set(`default/nominee-${uid++}`, {
        priority: pick(random, [0, 100]),
        requests: podRequests(randomPod(random, names)),
      });
  const table = new NodeTable();
  table.rebuild(nodes);
  return { nodes, entropy, cpuWeight, table };
}

const stateFor = (pod: SchedulingPod): CycleState => {
  const requests = podRequests(pod);
  return { pod, requests, nonZero: nonZeroRequests(requests), data: new Map() };
};

/** The per-node filter loop: from `start`, wrapping, until `want` nodes pass. */
function filterReference(
  state: CycleState,
  cluster: BatchClusterView,
  filters: FilterPlugin[],
  start: number,
  want: number,
) {
  const total = cluster.nodes.length;
  const feasible: NodeInfo[] = [];
  const reasons: Record<string, number> = {};
  const detail: NodeDetail[] = [];
  let evaluated = 0;
  for (let i = 0; i < total && feasible.length < want; i++) {
    const node = cluster.nodes[(start + i) % total];
    evaluated++;
    const failed = filters.map((f) => ({ f, verdict: f.filter(state, node, cluster) })).find((r) => !r.verdict.ok);
    if (!failed) feasible.push(node);
    else {
      const reason = failed.verdict.reason ?? failed.f.name;
      reasons[reason] = (reasons[reason] ?? 0) + 1;
      detail.push({ node: node.name, feasible: false, plugin: failed.f.name, reason });
    }
  }
  return { evaluated, feasible, reasons, detail };
}

/** Per-node scores, normalised by the plugin's own normalizeScores. */
function scoreReference(state: CycleState, cluster: BatchClusterView, plugin: ScorePlugin, nodes: NodeInfo[]) {
  const raw = nodes.map((n) => plugin.score(state, n, cluster));
  return { raw, normalized: plugin.normalizeScores ? plugin.normalizeScores(raw) : raw };
}

const firstMax = (totals: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < totals.length; i++) if (totals[i] > totals[best]) best = i;
  return best;
};

describe('batch scheduling cycle', () => {
  it('evaluates, rejects, scores and chooses exactly as the per-node path on random clusters', () => {
    const random = seededRandom(20261202);
    const cycle = new BatchCycle();
    let scoredNodes = 0;
    let rejectedNodes = 0;
    for (let round = 0; round < 100; round++) {
      const cluster = randomCluster(random);
      const names = cluster.nodes.map((n) => n.name);
      for (let p = 0; p < 4; p++) {
        const pod = randomPod(random, names);
        const total = cluster.nodes.length;
        const want = nodesToFind(total, pick(random, [0, 5, 30, 100]));
        const start = Math.floor(random() * total);

        const filterState = stateFor(pod);
        const filters = Object.values(FILTER_PLUGINS).filter((f) => f.preFilter?.(filterState, cluster) !== SKIP);
        const expected = filterReference(filterState, cluster, filters, start, want);
        const got = cycle.filter(filterState, cluster, filters, start, want, true);
        expect(got.evaluated).toBe(expected.evaluated);
        const feasible = Array.from(got.feasible.slots.subarray(0, got.feasible.count), (s) => cluster.nodes[s]);
        expect(feasible.map((n) => n.name)).toEqual(expected.feasible.map((n) => n.name));
        // Key order too: filterReasons is shown as recorded.
        expect(Object.entries(got.reasons)).toEqual(Object.entries(expected.reasons));
        expect(got.detail).toEqual(expected.detail);
        rejectedNodes += expected.detail.length;
        if (!feasible.length) continue;

        const state = stateFor(pod);
        const plugins = Object.values(SCORE_PLUGINS).map((plugin) => ({ plugin, weight: pick(random, [1, 2, 3]) }));
        for (const { plugin } of plugins)
          expect(plugin.preScoreBatch?.(state, cluster, got.feasible.slots, got.feasible.count), plugin.name).toBe(
            plugin.preScoreBatch && plugin.preScore?.(state, feasible, cluster),
          );
        const seen: Record<string, { raw: number[]; normalized: number[] }> = {};
        const totals = Array.from(
          cycle.score(state, cluster, plugins, got.feasible, (plugin, _weight, raw, normalized) => {
            seen[plugin.name] = { raw: Array.from(raw), normalized: Array.from(normalized) };
          }),
        );
        const expectedTotals: number[] = feasible.map(() => 0);
        for (const { plugin, weight } of plugins) {
          const reference = scoreReference(state, cluster, plugin, feasible);
          // toEqual on numbers compares with Object.is: bit-for-bit, not approximately.
          expect(seen[plugin.name], plugin.name).toEqual(reference);
          reference.normalized.forEach((s, i) => (expectedTotals[i] += s * weight));
        }
        expect(totals).toEqual(expectedTotals);
        // Without `each` the leading resource-state plugins are summed once per state class: the same doubles.
        expect(Array.from(cycle.score(state, cluster, plugins, got.feasible))).toEqual(expectedTotals);
        expect(feasible[firstMax(totals)].name).toBe(feasible[firstMax(expectedTotals)].name);

        const after = new Float64Array(feasible.length);
        entropyAfterBatch(state, cluster, got.feasible.slots, got.feasible.count, after);
        expect(Array.from(after)).toEqual(feasible.map((n) => entropyAfter(state, n, cluster)));
        scoredNodes += feasible.length;
      }
    }
    // The random clusters exercise both sides: many nodes scored, many rejected.
    expect(scoredNodes).toBeGreaterThan(5000);
    expect(rejectedNodes).toBeGreaterThan(5000);
  });

  it('keeps the node table in step with binds, unbinds and node changes', () => {
    const random = seededRandom(7);
    const cluster = randomCluster(random);
    const { table } = cluster;
    for (let i = 0; i < 200; i++) {
      const node = pick(random, cluster.nodes);
      const pod = randomPod(random, []);
      node.addPod(`default/${pod.metadata.name}`, pod);
      table.update(node);
    }
    const fresh = new NodeTable();
    fresh.rebuild(cluster.nodes);
    for (const field of [
      'requestedCpu',
      'requestedMemory',
      'requestedPods',
      'nonZeroCpu',
      'u',
      'uLnU',
      'flags',
    ] as const)
      expect(Array.from(table[field].subarray(0, table.size)), field).toEqual(
        Array.from(fresh[field].subarray(0, fresh.size)),
      );
  });

  it('scores nodes by resource state class, bit-for-bit as node by node, as pods come and go', () => {
    const random = seededRandom(22);
    // Few sizes and few request shapes: many nodes share a state, and states empty out and are reused.
    const sizes = [
      { cpu: '2', memory: '4Gi' },
      { cpu: '4', memory: '8Gi' },
      { cpu: '0', memory: '8Gi' },
    ];
    const nodes = Array.from(
      { length: 240 },
      (_, i) =>
        new NodeInfo({ metadata: { name: `n${i}` }, status: { allocatable: { ...sizes[i % 3], pods: '110' } } }),
    );
    const entropy = new EntropyTracker();
    entropy.reset(nodes.map((n) => n.cachedU));
    const table = new NodeTable();
    table.rebuild(nodes);
    const cluster: BatchClusterView = { nodes, entropy, cpuWeight: 0.5, table };
    const placed: { node: NodeInfo; key: string }[] = [];
    const slots = Int32Array.from(nodes, (_, i) => i);
    const cycle = new BatchCycle();
    for (let round = 0; round < 120; round++) {
      const leave = placed.length && chance(random, 0.4);
      const { node, key } = leave
        ? placed.splice(Math.floor(random() * placed.length), 1)[0]
        : { node: pick(random, nodes), key: `default/q${round}` };
      const before = node.cachedU;
      if (leave) node.removePod(key);
      else {
        const requests = { cpu: pick(random, ['100m', '500m']), memory: pick(random, ['128Mi', '1Gi']) };
        node.addPod(key, {
          metadata: { name: key, namespace: 'default', uid: key, resourceVersion: '1' },
          spec: { containers: [{ name: 'c', image: 'i', resources: { requests } }] },
        });
        placed.push({ node, key });
      }
      entropy.remove(before);
      entropy.add(node.cachedU);
      table.update(node);
      // Nodes share a class exactly when their scored state is the same.
      const state = (n: number) =>
        [table.allocCpu[n], table.allocMemory[n], table.nonZeroCpu[n], table.nonZeroMemory[n], table.u[n]].join();
      const classOf = new Map<string, number>();
      for (let n = 0; n < nodes.length; n++) {
        const known = classOf.get(state(n));
        if (known === undefined) classOf.set(state(n), table.stateClass[n]);
        else expect(table.stateClass[n]).toBe(known);
      }
      expect(new Set(classOf.values()).size).toBe(classOf.size);
      expect(table.classes.capacity).toBeLessThanOrEqual(nodes.length);

      const pod = randomPod(random, []);
      const podState = stateFor(pod);
      const count = 1 + Math.floor(random() * nodes.length);
      const start = Math.floor(random() * nodes.length);
      for (let i = 0; i < count; i++) slots[i] = (start + i) % nodes.length;
      const candidates = Array.from(slots.subarray(0, count), (s) => nodes[s]);
      const feasible = { slots, count };
      const names = ['Entropy', 'Pack', 'BalancedAllocation', 'LeastAllocated', 'MostAllocated', 'TaintToleration'];
      const plugins = names.map((name) => ({ plugin: SCORE_PLUGINS[name], weight: pick(random, [1, 2, 3]) }));
      const expected = candidates.map(() => 0);
      const seen: Record<string, number[]> = {};
      const totals = Array.from(
        cycle.score(podState, cluster, plugins, feasible, (plugin, _weight, raw) => {
          seen[plugin.name] = Array.from(raw);
        }),
      );
      for (const { plugin, weight } of plugins) {
        const reference = scoreReference(podState, cluster, plugin, candidates);
        if (!plugin.normalizeScores) expect(seen[plugin.name], plugin.name).toEqual(reference.raw);
        reference.normalized.forEach((v, i) => (expected[i] += v * weight));
      }
      expect(totals).toEqual(expected);
      expect(Array.from(cycle.score(podState, cluster, plugins, feasible))).toEqual(expected);
    }
  });

  it('records full detail that reads back as per-node records, the winner first by total', async () => {
    const sandbox = await createSandbox({
      nodes: [
        { name: 'small', cpu: '1', memory: '2Gi' },
        { name: 'big', cpu: '8', memory: '16Gi' },
        { name: 'tainted', cpu: '8', memory: '16Gi', taints: [{ key: 'dedicated', effect: 'NoSchedule' }] },
      ],
      events: false,
    });
    await sandbox.addPod({
      name: 'a',
      cpu: '500m',
      memory: '2Gi',
      annotations: { 'entroos.io/record-decision': 'full' },
    });
    await sandbox.settle();
    sandbox.stop();
    const decision = sandbox.scheduler.decisions.forPod('default/a') as DecisionDetail;
    expect(decision).not.toHaveProperty('scored');
    expect(decision.node).toBe('big');
    // Feasible nodes in the order scored (the node list's), then the rejected ones.
    expect(decision.detail.map((d) => [d.node, d.feasible])).toEqual([
      ['big', true],
      ['small', true],
      ['tainted', false],
    ]);
    const [big, small, tainted] = decision.detail;
    expect(Object.keys(big)).toEqual(['node', 'feasible', 'scores', 'total', 'entropyAfter']);
    expect(Object.keys(big.scores ?? {})).toEqual(['Entropy', 'BalancedAllocation']);
    expect(big.scores?.Entropy).toMatchObject({ weight: 3 });
    expect(big.total).toBeGreaterThan(small.total ?? Infinity);
    expect(big.total).toBe(decision.top[0].score);
    expect(big.entropyAfter).toBeGreaterThanOrEqual(0);
    expect(big.entropyAfter).toBeLessThanOrEqual(100);
    expect(tainted).toEqual({
      node: 'tainted',
      feasible: false,
      plugin: 'TaintToleration',
      reason: 'node(s) had untolerated taint {dedicated}',
    });
    // What the API serialises.
    expect(JSON.parse(JSON.stringify(decision)).detail).toEqual(decision.detail);
  });
});
