import type { Logger } from 'pino';
import { OverviewCounts } from '../apiserver/overview-counts.ts';
import type { ObjectApi } from '../apiserver/object-api.ts';
import type { NodeReads } from '../apiserver/node-reads.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import type { EventBus } from '../router/bus.ts';
import type { Store } from '../store/index.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { percentile } from '../apimachinery/stats.ts';
import { NodeUsageHistory } from './node-series.ts';
import { ClusterHistory, type HistoryWindow, type Point, type Sample } from './series.ts';

// The leader samples the cluster every 10 s into the history the overview's
// charts show, publishes each sample on the platform bus (live charts), and
// saves the series every minute so a restart keeps them.

const SAVE_EVERY = 6;
const SETTING = 'history.series';

export interface SamplerDeps {
  api: ObjectApi;
  nodes: NodeReads;
  scheduler: Scheduler;
  store: Store;
  bus: EventBus;
  log: Logger;
  /** How often to sample (ENTROOS_HISTORY_SAMPLE_MS). */
  sampleMs: number;
}

export class HistorySampler {
  private history = new ClusterHistory();
  /** The last 15 minutes of each node's usage, for the node page. */
  readonly nodes = new NodeUsageHistory();
  private timer: NodeJS.Timeout | undefined;
  private lastScheduled: { at: number; count: number } | undefined;
  private samples = 0;
  private sampling = false;
  private counts: OverviewCounts | undefined;

  constructor(private deps: SamplerDeps) {}

  async start() {
    const saved = await this.deps.store.settings.get(SETTING);
    if (saved) this.history = ClusterHistory.from(JSON.parse(saved));
    this.counts = new OverviewCounts(this.deps.api.cache);
    await this.sample();
    this.timer = setInterval(() => void this.sample(), this.deps.sampleMs);
    this.timer.unref();
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.counts?.stop();
    await this.save();
  }

  points(window: HistoryWindow): Point[] {
    return this.history.points(window);
  }

  private async save() {
    await this.deps.store.settings
      .set(SETTING, JSON.stringify(this.history))
      .catch((err) => this.deps.log.warn({ err }, 'could not save the cluster history'));
  }

  private async sample() {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const counts = (this.counts ??= new OverviewCounts(this.deps.api.cache));
      const sample = await takeSample(this.deps, counts, this.lastScheduled, this.nodes);
      this.lastScheduled = { at: sample.t, count: this.deps.scheduler.stats.scheduled };
      this.history.add(sample);
      this.deps.bus.publish('metrics.sample', sample);
      if (++this.samples % SAVE_EVERY === 0) await this.save();
    } catch (err) {
      this.deps.log.warn({ err }, 'a cluster history sample failed');
    } finally {
      this.sampling = false;
    }
  }
}

async function takeSample(
  deps: SamplerDeps,
  counts: OverviewCounts,
  last: { at: number; count: number } | undefined,
  perNode: NodeUsageHistory,
): Promise<Sample> {
  const now = Date.now();
  const { api, scheduler } = deps;
  const o = counts.snapshot();
  const nodeNames = api.cache.list(typeByKey('nodes').key).items.map((n) => n.metadata.name);
  const usage = await deps.nodes.usage(nodeNames);
  let cpuUsed = 0;
  let memUsed = 0;
  const byNode = new Map<string, { cpuMilli: number; memoryBytes: number }>();
  for (const n of nodeNames) {
    const u = usage.node(n);
    if (u) byNode.set(n, u);
    cpuUsed += u?.cpuMilli ?? 0;
    memUsed += u?.memoryBytes ?? 0;
  }
  perNode.add(now, byNode);
  const scheduled = scheduler.stats.scheduled;
  const seconds = last ? (now - last.at) / 1000 : 0;
  return {
    t: now,
    nodesReady: o.nodes.ready,
    nodesTotal: o.nodes.total,
    podsPending: o.pods.Pending ?? 0,
    podsRunning: o.pods.Running ?? 0,
    podsSucceeded: o.pods.Succeeded ?? 0,
    podsFailed: o.pods.Failed ?? 0,
    cpuCapacity: o.capacity.cpuMilli,
    cpuRequested: o.requested.cpuMilli,
    cpuUsed,
    memCapacity: o.capacity.memoryBytes,
    memRequested: o.requested.memoryBytes,
    memUsed,
    entropy: Math.round(scheduler.clusterEntropy() * 10) / 10,
    scheduledPerSecond: last && seconds > 0 ? Math.max(0, (scheduled - last.count) / seconds) : 0,
    attemptP99Ms:
      percentile(
        [...scheduler.stats.latencyMs].sort((a, b) => a - b),
        99,
      ) || 0,
    queued: Object.values(scheduler.queue.sizes as Record<string, number>).reduce((a, b) => a + b, 0),
  };
}
