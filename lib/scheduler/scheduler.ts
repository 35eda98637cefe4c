import type { Logger } from 'pino';
import type { BindOutcome, ObjectApi } from '../apiserver/object-api.ts';
import type { EventRecorder } from '../apiserver/events.ts';
import { DEFAULT_SCHEDULER } from '../apiserver/defaults.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { clone, timestamp } from '../apimachinery/meta.ts';
import type { PodCondition, PodSpec, PodStatus } from '../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../apimachinery/object.ts';
import { isApiError } from '../apimachinery/errors.ts';
import type { CacheEvent } from '../store/watch-cache.ts';
import {
  assignedMessage,
  DecisionLog,
  type DecisionDetail,
  type PlacementFacts,
  type PluginScores,
  ScoredDetail,
} from './decisions.ts';
import { BatchCycle } from './cycle.ts';
import { EntropyTracker } from './entropy.ts';
import { NodeInfo } from './node-info.ts';
import { NodeTable } from './node-table.ts';
import { entropyAfterBatch } from './plugins/entropy.ts';
import { FILTER_PLUGINS, POST_FILTER_PLUGINS, SCORE_PLUGINS } from './plugins/index.ts';
import { nodesToFind, type Profile, type SchedulerConfig } from './profiles.ts';
import { SchedulingQueue, type PoppedPod } from './queue.ts';
import { nonZeroRequests, podRequests } from './resources.ts';
import {
  SKIP,
  type BatchClusterView,
  type ClusterView,
  type CycleState,
  type FilterPlugin,
  type PostFilterResult,
  type SchedulingPod,
  type ScorePlugin,
} from './types.ts';

// The scheduler: takes pending pods whose schedulerName is ours, filters the
// nodes, scores the feasible ones with the profile's weighted plugins, reserves
// the winner's capacity in memory (so two pods never get the same free
// capacity), and binds through the orchestrator. Every attempt is recorded.

const PODS = typeByKey('pods');
const NODES = typeByKey('nodes');
export const PROFILE_ANNOTATION = 'entroos.io/scheduler-profile';
export const DECISION_ANNOTATION = 'entroos.io/scheduling';
export const RECORD_ANNOTATION = 'entroos.io/record-decision';

export interface SchedulerDeps {
  api: ObjectApi;
  events: EventRecorder;
  log: Logger;
  config: SchedulerConfig;
  /** Called after each decision (metrics, router). */
  onDecision?: (d: DecisionDetail) => void;
}

const podKey = (pod: KubeObject) => `${pod.metadata.namespace}/${pod.metadata.name}`;
const isFinished = (pod: SchedulingPod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export class Scheduler {
  readonly queue = new SchedulingQueue();
  readonly decisions = new DecisionLog();
  private nodes = new Map<string, NodeInfo>();
  private entropy = new EntropyTracker();
  private config: SchedulerConfig;
  private unsubscribe: (() => void)[] = [];
  private scheduled = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  /** Bindings in flight: placed and reserved, not yet committed (or failed). */
  private inflightBinds = 0;
  /** Pods placed in the current slice, bound together when it ends. */
  private toBind: PendingBinding[] = [];
  private nodeOrder: string[] = [];
  private nextStart = 0;
  /** Pods assumed on a node but not yet confirmed by a watch event. */
  private assumed = new Map<string, string>();
  readonly stats = { attempts: 0, scheduled: 0, failed: 0, bindErrors: 0, latencyMs: [] as number[] };

  constructor(private deps: SchedulerDeps) {
    this.config = deps.config;
  }

  setDecisionHook(hook: (d: DecisionDetail) => void) {
    this.deps.onDecision = hook;
  }

  get profiles(): SchedulerConfig {
    return this.config;
  }

  /** Replaces the profiles without a restart; the entropy tracker follows a cpuWeight change. */
  setConfig(config: SchedulerConfig) {
    this.config = config;
    this.rebuildEntropy();
  }

  start() {
    const { api } = this.deps;
    const rv = api.cache.resourceVersion;
    for (const node of api.cache.list(NODES.key).items) this.upsertNode(node);
    for (const pod of api.cache.list(PODS.key).items as SchedulingPod[]) this.observePod(pod, undefined);
    this.rebuildEntropy();
    this.unsubscribe.push(api.cache.watch({ resource: NODES.key }, rv, (e) => this.onNodeEvent(e)));
    this.unsubscribe.push(api.cache.watch({ resource: PODS.key }, rv, (e) => this.onPodEvent(e)));
    this.kick();
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const u of this.unsubscribe) u();
  }

  /** Entropy of the cluster's utilisation now, scaled 0..100. */
  clusterEntropy(): number {
    return this.entropy.scaled(this.entropy.entropy());
  }

  nodeCount() {
    return this.nodes.size;
  }

  /** Nothing runnable is queued and no binding is in flight (parked and backing-off pods may remain). */
  isIdle(): boolean {
    return this.queue.sizes.active === 0 && this.inflightBinds === 0 && !this.scheduled;
  }

  /** Per-node utilisation (0..1+), for the laboratory's statistics. */
  utilisations(): number[] {
    return [...this.nodes.values()].map((n) => n.cachedU);
  }

  nodesInUse(): number {
    let used = 0;
    for (const n of this.nodes.values()) if (n.pods.size) used++;
    return used;
  }

  /** The nodes in scheduling order; undefined when a node came or went (then the table is laid out again too). */
  private ordered: NodeInfo[] | undefined;
  /** The same nodes as typed arrays for the batch plugins, kept current on every change to a node. */
  private table = new NodeTable();
  private cycle = new BatchCycle();

  private view(): BatchClusterView {
    if (!this.ordered) {
      this.ordered = this.nodeOrder.map((n) => this.nodes.get(n)).filter((n): n is NodeInfo => Boolean(n));
      this.table.rebuild(this.ordered);
    }
    return { nodes: this.ordered, entropy: this.entropy, cpuWeight: this.config.cpuWeight, table: this.table };
  }

  private rebuildEntropy() {
    for (const n of this.nodes.values()) n.setCpuWeight(this.config.cpuWeight);
    this.entropy.reset([...this.nodes.values()].map((n) => n.cachedU));
    this.ordered = undefined;
  }

  /** Applies a change to a node while keeping the entropy sums and the node table current. */
  private mutate(info: NodeInfo, change: () => void) {
    const before = info.cachedU;
    change();
    this.entropy.remove(before);
    this.entropy.add(info.cachedU);
    this.table.update(info);
  }

  private upsertNode(node: KubeObject) {
    const existing = this.nodes.get(node.metadata.name);
    if (existing) this.mutate(existing, () => existing.setNode(node));
    else {
      const info = new NodeInfo(node);
      info.setCpuWeight(this.config.cpuWeight);
      this.nodes.set(info.name, info);
      this.nodeOrder.push(info.name);
      this.ordered = undefined;
      this.entropy.add(info.cachedU);
    }
  }

  private onNodeEvent(e: CacheEvent) {
    const name = e.object.metadata.name;
    if (e.type === 'DELETED') {
      const info = this.nodes.get(name);
      if (info) {
        this.entropy.remove(info.cachedU);
        this.nodes.delete(name);
        this.nodeOrder = this.nodeOrder.filter((n) => n !== name);
        this.ordered = undefined;
      }
    } else {
      this.upsertNode(e.object);
      this.queue.moveAllToActive();
    }
    this.kick();
  }

  private ours(pod: SchedulingPod) {
    return (pod.spec?.schedulerName ?? DEFAULT_SCHEDULER) === DEFAULT_SCHEDULER;
  }

  /** Keeps node accounting and the queue in step with a pod's latest state. */
  private observePod(pod: SchedulingPod, previous: SchedulingPod | undefined) {
    const key = podKey(pod);
    const node = pod.spec?.nodeName;
    const prevNode = previous?.spec?.nodeName ?? this.assumed.get(key);
    const counts = node && !isFinished(pod);
    if (prevNode && (prevNode !== node || !counts)) {
      const info = this.nodes.get(prevNode);
      if (info) this.mutate(info, () => info.removePod(key));
    }
    if (counts) {
      const info = this.nodes.get(node);
      // A newer version of a pod counted there with the same containers (the watch confirming our binding, a status
      // update) leaves the node's requests, entropy and table as they are.
      if (info && !(prevNode === node && info.confirmPod(key, pod))) this.mutate(info, () => info.addPod(key, pod));
      this.assumed.delete(key);
      this.queue.delete(key);
      this.clearNomination(key);
    } else if (!node && this.ours(pod) && !pod.metadata.deletionTimestamp && !isFinished(pod)) {
      this.queue.add(key, pod);
    }
  }

  private onPodEvent(e: CacheEvent) {
    const pod = e.object as SchedulingPod;
    const previous = e.previous as SchedulingPod | undefined;
    const key = podKey(pod);
    if (e.type === 'DELETED') {
      const node = pod.spec?.nodeName ?? this.assumed.get(key);
      const info = node ? this.nodes.get(node) : undefined;
      if (info) this.mutate(info, () => info.removePod(key));
      this.assumed.delete(key);
      this.queue.delete(key);
      this.clearNomination(key);
      if (node) this.queue.moveAllToActive(); // capacity was freed
    } else {
      const wasCounting = previous && previous.spec?.nodeName && !isFinished(previous);
      this.observePod(pod, previous);
      if (wasCounting && isFinished(pod)) this.queue.moveAllToActive();
    }
    this.kick();
  }

  /** Schedules queued pods in slices, yielding to I/O between them. */
  private kick() {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain() {
    // Slices under 10 ms: API requests served by the same event loop wait at most that long behind the scheduler.
    const deadline = performance.now() + 8;
    let item: PoppedPod | undefined;
    while (performance.now() < deadline && this.inflightBinds < 256 && (item = this.queue.pop()))
      this.scheduleOne(item);
    if (this.toBind.length) void this.bindAll(this.toBind.splice(0));
    if (this.queue.sizes.active && this.inflightBinds < 256) this.kick();
    else {
      const wait = this.queue.nextBackoffIn();
      if (wait !== undefined && !this.stopped) {
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => this.kick(), Math.max(10, wait));
        this.timer.unref();
      }
    }
  }

  private profileFor(pod: SchedulingPod): Profile {
    const wanted = pod.metadata.annotations?.[PROFILE_ANNOTATION] ?? this.config.defaultProfile;
    const profile =
      this.config.profiles.find((p) => p.name === wanted) ??
      this.config.profiles.find((p) => p.name === this.config.defaultProfile);
    // The configuration's schema requires the default profile to be one of its profiles.
    if (!profile) throw new Error(`no scheduler profile "${this.config.defaultProfile}"`);
    return profile;
  }

  /**
   * Full per-node detail is kept for a bounded number of decisions: pods that
   * ask for it (annotation entroos.io/record-decision: full), every failure,
   * and a sample of successes (at most one per 20 ms). Summaries are kept for all.
   */
  private lastDetailAt = 0;
  private wantDetail(pod: SchedulingPod): boolean {
    if (pod.metadata.annotations?.[RECORD_ANNOTATION] === 'full') return true;
    const now = performance.now();
    if (now - this.lastDetailAt < 20) return false;
    this.lastDetailAt = now;
    return true;
  }

  private scheduleOne(item: PoppedPod) {
    const started = performance.now();
    const pod = this.deps.api.peek(PODS, item.pod.metadata.namespace, item.pod.metadata.name) as
      SchedulingPod | undefined;
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp || pod.metadata.uid !== item.pod.metadata.uid)
      return;
    try {
      this.attempt(item, pod, started);
    } catch (err) {
      // One pod's bad spec must never stop the loop.
      this.deps.log.error({ err, pod: podKey(pod) }, 'scheduling attempt failed');
      this.finish({
        pod: podKey(pod),
        uid: pod.metadata.uid,
        profile: '',
        at: timestamp(),
        result: 'Error',
        message: `scheduling failed: ${(err as Error).message}`,
        nodes: this.nodes.size,
        evaluated: 0,
        feasible: 0,
        filterReasons: {},
        top: [],
        entropyBefore: this.clusterEntropy(),
        durationMs: performance.now() - started,
        detail: [],
      });
      this.queue.requeueBackoff(item);
    }
  }

  private attempt(item: PoppedPod, pod: SchedulingPod, started: number) {
    this.stats.attempts++;
    const profile = this.profileFor(pod);
    const cluster = this.view();
    const requests = podRequests(pod);
    const state: CycleState = { pod, requests, nonZero: nonZeroRequests(requests), data: new Map() };
    const full = this.wantDetail(pod);
    const filters = profile.filters
      .map((n) => FILTER_PLUGINS[n])
      .filter((f) => f && f.preFilter?.(state, cluster) !== SKIP);

    // Filter, starting where the last cycle stopped, until enough feasible nodes are found.
    const total = cluster.table.size;
    const want = nodesToFind(total, profile.percentageOfNodesToScore);
    const start = total ? this.nextStart % total : 0;
    const {
      evaluated,
      feasible: candidates,
      reasons,
      detail,
    } = this.cycle.filter(state, cluster, filters, start, want, full);
    const n = candidates.count;
    const infos = cluster.table.infos;
    const feasibleNode = (i: number) => infos[candidates.slots[i]];
    this.nextStart = total ? (start + evaluated) % total : 0;
    const entropyBefore = this.clusterEntropy();
    const key = podKey(pod);
    const at = timestamp();

    if (!n) {
      const base = {
        pod: key,
        uid: pod.metadata.uid,
        createdAt: pod.metadata.creationTimestamp,
        profile: profile.name,
        at,
        nodes: total,
        evaluated,
        feasible: n,
        filterReasons: reasons,
        entropyBefore,
      };
      const preemption = this.postFilter(profile, state, cluster, filters);
      const message = unschedulableMessage(total, reasons, preemption?.node);
      this.finish({
        ...base,
        result: 'Unschedulable',
        message,
        top: [],
        durationMs: performance.now() - started,
        detail,
        nominatedNode: preemption?.node,
      });
      this.stats.failed++;
      if (preemption) this.nominate(podKey(pod), preemption.node, pod, state);
      void this.markUnschedulable(pod, message, preemption);
      this.queue.requeueUnschedulable({ ...item, pod });
      return;
    }

    // Score: each plugin's raw scores, normalised to 0..100, weighted and summed.
    let feasible: NodeInfo[] | undefined;
    const preScore = (plugin: ScorePlugin) =>
      plugin.preScoreBatch
        ? plugin.preScoreBatch(state, cluster, candidates.slots, n)
        : plugin.preScore?.(state, (feasible ??= Array.from({ length: n }, (_, i) => feasibleNode(i))), cluster);
    const plugins = profile.scores
      .map((s) => ({ plugin: SCORE_PLUGINS[s.name], weight: s.weight }))
      .filter((p) => p.plugin && p.weight > 0 && preScore(p.plugin) !== SKIP);
    // Full detail keeps copies of the score arrays; NodeDetail records are made only if someone reads them.
    const pluginScores: PluginScores[] | undefined = full ? [] : undefined;
    const totals = this.cycle.score(
      state,
      cluster,
      plugins,
      candidates,
      pluginScores &&
        ((plugin, weight, raw, normalized) => {
          const rawCopy = raw.slice(0, n);
          const normalizedCopy = normalized === raw ? rawCopy : normalized.slice(0, n);
          pluginScores.push({ name: plugin.name, weight, raw: rawCopy, normalized: normalizedCopy });
        }),
    );
    let scored: ScoredDetail | undefined;
    if (pluginScores) {
      const entropyAfter = new Float64Array(n);
      entropyAfterBatch(state, cluster, candidates.slots, n, entropyAfter);
      scored = new ScoredDetail(infos, candidates.slots.slice(0, n), pluginScores, totals.slice(0, n), entropyAfter);
    }
    // The best node, and the top five for the summary, in one pass: highest total first, ties in scoring order.
    const top: number[] = [];
    let unordered = false;
    for (let i = 0; i < n; i++) {
      const total = totals[i];
      if (top.length < 5 || total > totals[top[top.length - 1]]) {
        // Inserted after the totals at least as high: what a stable sort gives. A NaN total (a node whose
        // capacity did not parse) has no order, so from then on the sort decides, as it always did.
        unordered ||= total !== total;
        if (unordered) {
          top.push(i);
          top.sort((a, b) => totals[b] - totals[a]);
        } else {
          let at = top.length;
          while (at > 0 && totals[top[at - 1]] < total) at--;
          top.splice(at, 0, i);
        }
        if (top.length > 5) top.pop();
      }
    }
    const winner = feasibleNode(top[0]);
    const afterFor = (node: NodeInfo) =>
      round(
        this.entropy.scaled(
          this.entropy.entropyIf(
            node.cachedU,
            node.utilisation(this.config.cpuWeight, state.nonZero, true),
            node.cachedULnU,
          ),
        ),
      );

    // What the placement proof attests: the node's free capacity just before this pod, and its requests.
    const placement: PlacementFacts = {
      cpu: Math.ceil(state.requests.cpu),
      memory: Math.ceil(state.requests.memory),
      freeCpu: Math.floor(winner.allocatable.cpu - winner.requested.cpu),
      freeMemory: Math.floor(winner.allocatable.memory - winner.requested.memory),
      freePods: Math.floor(winner.allocatable.pods - winner.requested.pods),
    };
    // Reserve: account the pod on the node now, so the next pod sees the capacity as taken.
    this.mutate(winner, () =>
      winner.addPod(key, { ...pod, spec: { ...pod.spec, nodeName: winner.name } as PodSpec }, state.requests),
    );
    this.assumed.set(key, winner.name);
    // One literal with the summary's fields in the unschedulable branch's order: spreading a summary object into the
    // decision, per pod, was a visible part of the cycle's own time.
    const decision: DecisionDetail = {
      pod: key,
      uid: pod.metadata.uid,
      createdAt: pod.metadata.creationTimestamp,
      profile: profile.name,
      at,
      nodes: total,
      evaluated,
      feasible: n,
      filterReasons: reasons,
      entropyBefore,
      result: 'Scheduled',
      node: winner.name,
      placement,
      message: assignedMessage(key, winner.name),
      top: top.map((i) => ({
        node: feasibleNode(i).name,
        score: round(totals[i]),
        entropyAfter: afterFor(feasibleNode(i)),
      })),
      entropyAfter: round(this.clusterEntropy()),
      durationMs: performance.now() - started,
      detail,
      scored,
    };
    // Readable before the binding is: the binding is visible to readers from the moment it is written to the watch
    // cache, before its commit is durable, and a client that sees spec.nodeName may ask at once why.
    this.decisions.record(decision);
    this.inflightBinds++;
    this.toBind.push({ pod, node: winner, decision, item });
  }

  private nominations = new Map<string, string>();

  private nominate(key: string, nodeName: string, pod: SchedulingPod, state: CycleState) {
    this.clearNomination(key);
    const info = this.nodes.get(nodeName);
    if (!info) return;
    info.nominated.set(key, { priority: pod.spec?.priority ?? 0, requests: state.requests });
    this.table.update(info);
    this.nominations.set(key, nodeName);
  }

  private clearNomination(key: string) {
    const nodeName = this.nominations.get(key);
    if (!nodeName) return;
    const info = this.nodes.get(nodeName);
    if (info) {
      info.nominated.delete(key);
      this.table.update(info);
    }
    this.nominations.delete(key);
  }

  /**
   * Binds the pods placed in one slice of the loop together (ObjectApi.bindAll): each binding is still checked on its
   * own (a pod deleted or bound meanwhile is refused, and only it is unreserved), but they share one write to the
   * watch cache, one group commit and one continuation — the per-pod fixed cost that limited the rate at 1,000 nodes.
   */
  private async bindAll(batch: PendingBinding[]) {
    try {
      const outcomes: BindOutcome[] = await this.deps.api
        .bindAll(
          batch.map(({ pod, node, decision }) => ({
            namespace: pod.metadata.namespace ?? '',
            name: pod.metadata.name,
            nodeName: node.name,
            annotations: { [DECISION_ANNOTATION]: decisionSummary(decision) },
          })),
        )
        // bindAll answers per binding; should it fail as a whole, every binding failed.
        .catch((err: unknown) => batch.map(() => ({ error: err instanceof Error ? err : new Error(String(err)) })));
      for (let i = 0; i < batch.length; i++) {
        const error = outcomes[i].error;
        if (error) this.bindFailed(batch[i], error);
        else {
          const { pod, decision } = batch[i];
          this.stats.scheduled++;
          this.completed(decision);
          this.deps.events.record(pod, 'Normal', 'Scheduled', decision.message, 'entroos-scheduler');
        }
      }
    } finally {
      this.inflightBinds -= batch.length;
      this.kick();
    }
  }

  /** Unreserve: give the capacity back, record the attempt as an Error, and try again later unless the pod is gone. */
  private bindFailed({ pod, node, decision, item }: PendingBinding, err: Error) {
    const key = podKey(pod);
    if (this.assumed.get(key) === node.name) {
      this.mutate(node, () => node.removePod(key));
      this.assumed.delete(key);
    }
    this.stats.bindErrors++;
    const gone = isApiError(err) && (err.code === 404 || err.code === 409);
    const failed: DecisionDetail = {
      ...decision,
      result: 'Error',
      message: `binding to ${node.name} failed: ${err.message}`,
    };
    this.decisions.replace(decision, failed);
    this.completed(failed);
    if (!gone) {
      this.deps.log.warn({ err, pod: key, node: node.name }, 'binding failed');
      this.queue.requeueBackoff(item);
    }
  }

  private finish(decision: DecisionDetail) {
    this.decisions.record(decision);
    this.completed(decision);
  }

  /** An attempt's outcome, once recorded: its latency, and the listeners (the prover takes the placements). */
  private completed(decision: DecisionDetail) {
    this.stats.latencyMs.push(decision.durationMs);
    if (this.stats.latencyMs.length > 10_000) this.stats.latencyMs.splice(0, 5000);
    this.deps.onDecision?.(decision);
  }

  /** The first PostFilter plugin of the profile that finds a way (preemption), if any. */
  private postFilter(
    profile: Profile,
    state: CycleState,
    cluster: ClusterView,
    filters: FilterPlugin[],
  ): PostFilterResult | undefined {
    for (const name of profile.postFilters) {
      const result = POST_FILTER_PLUGINS[name]?.postFilter(state, cluster, filters);
      if (result) return result;
    }
    return undefined;
  }

  private async markUnschedulable(pod: SchedulingPod, message: string, preemption: PostFilterResult | undefined) {
    const { api, events } = this.deps;
    events.record(pod, 'Warning', 'FailedScheduling', message, 'entroos-scheduler');
    try {
      if (preemption) {
        for (const victim of preemption.victims) {
          events.record(
            victim,
            'Normal',
            'Preempted',
            `Preempted by pod ${podKey(pod)} on node ${preemption.node}`,
            'entroos-scheduler',
          );
          await api.delete(PODS, victim.metadata.namespace, victim.metadata.name).catch(() => {});
        }
      }
      const current = api.peek(PODS, pod.metadata.namespace, pod.metadata.name) as SchedulingPod | undefined;
      if (!current || current.spec?.nodeName) return;
      const condition = (current.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
      if (
        condition?.status === 'False' &&
        condition.message === message &&
        current.status?.nominatedNodeName === preemption?.node
      )
        return;
      const next = clone(current);
      // Every pod has a status (the API server's defaults give it one). Kubernetes writes lastProbeTime as
      // null on this condition (the generated type has no null).
      const status = next.status as PodStatus;
      const conditions: unknown[] = [
        ...(status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'),
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message,
          lastProbeTime: null,
          lastTransitionTime: condition?.status === 'False' ? condition.lastTransitionTime : timestamp(),
        },
      ];
      status.conditions = conditions as PodCondition[];
      if (preemption) status.nominatedNodeName = preemption.node;
      await api.commit(PODS, next);
    } catch (err) {
      if (!isApiError(err)) this.deps.log.warn({ err, pod: podKey(pod) }, 'could not record the scheduling failure');
    }
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

/** A pod placed and reserved in this slice of the loop, bound with the others at its end. */
interface PendingBinding {
  pod: SchedulingPod;
  node: NodeInfo;
  decision: DecisionDetail;
  item: PoppedPod;
}

/** The decision annotation's value on the bound pod. */
function decisionSummary(decision: DecisionDetail): string {
  return JSON.stringify({
    node: decision.node,
    profile: decision.profile,
    score: decision.top[0]?.score,
    feasible: `${decision.feasible}/${decision.nodes}`,
    entropy: { before: round(decision.entropyBefore), after: decision.entropyAfter },
    top: decision.top.slice(0, 3).map((t) => `${t.node}=${t.score}`),
  });
}

/** kube-scheduler's message: "0/50 nodes are available: 30 Insufficient cpu, 20 node(s) had untolerated taint {dedicated: gpu}." */
export function unschedulableMessage(total: number, reasons: Record<string, number>, preemptionNode?: string): string {
  const parts = Object.entries(reasons)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([reason, count]) => `${count} ${reason}`);
  const base = total
    ? `0/${total} nodes are available: ${parts.join(', ')}.`
    : '0/0 nodes are available: no nodes have joined the cluster.';
  return preemptionNode ? `${base} preemption: victims chosen on node ${preemptionNode}.` : base;
}
