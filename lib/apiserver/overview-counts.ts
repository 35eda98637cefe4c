import type { Deployment, Node, Pod } from '../apimachinery/generated/kinds.ts';
import type { KubeObject, Stored } from '../apimachinery/object.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import type { CacheEvent, WatchFilter } from '../store/watch-cache.ts';
import { deploymentAvailable, nodeShare, podShare, type ClusterOverview } from './overview.ts';

// The overview's counts (pods by phase, requests, nodes, capacity, deployments), kept up to date from the watch
// cache's changes: the history sampler reads them every 10 s, and a pass over 150,000 pods each time was most of
// the leader's CPU while the cluster idled. Each change takes away what the object's previous version added and
// adds what the new one does; the counts are taken afresh from the cache only when a commit failed, since a
// failed commit reverts its writes without telling watchers.

const PODS = typeByKey('pods').key;
const NODES = typeByKey('nodes').key;
const DEPLOYMENTS = typeByKey('deployments.apps').key;
const STANDARD_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed'];

/** What the counts need of the watch cache. */
export interface CountSource {
  readonly resourceVersion: number;
  /** How many group commits failed so far (their writes were reverted unannounced). */
  readonly failedCommits: number;
  objects(resource: string): Iterable<KubeObject>;
  watch(filter: WatchFilter, fromResourceVersion: number, fn: (e: CacheEvent) => void): () => void;
}

export type OverviewCountsSnapshot = Pick<ClusterOverview, 'nodes' | 'pods' | 'deployments' | 'capacity' | 'requested'>;

export class OverviewCounts {
  private phases: Record<string, number> = {};
  private requested = { cpuMilli: 0, memoryBytes: 0 };
  private nodes = { total: 0, ready: 0, cordoned: 0 };
  private capacity = { cpuMilli: 0, memoryBytes: 0 };
  private deployments = { total: 0, available: 0 };
  /** Changes up to this resourceVersion are in the counts (the objects listed at the last full count). */
  private countedThrough = 0;
  private failures = 0;
  private stops: (() => void)[];

  constructor(private cache: CountSource) {
    this.recount();
    const from = this.countedThrough;
    this.stops = [PODS, NODES, DEPLOYMENTS].map((resource) => cache.watch({ resource }, from, (e) => this.apply(e)));
  }

  stop() {
    for (const stop of this.stops) stop();
    this.stops = [];
  }

  /** The counts as of the latest announced change (copies: the caller may keep them). */
  snapshot(): OverviewCountsSnapshot {
    if (this.cache.failedCommits !== this.failures) this.recount();
    return {
      nodes: { ...this.nodes },
      pods: { ...this.phases },
      deployments: { ...this.deployments },
      capacity: { ...this.capacity },
      requested: { ...this.requested },
    };
  }

  private recount() {
    this.failures = this.cache.failedCommits;
    this.countedThrough = this.cache.resourceVersion;
    this.phases = Object.fromEntries(STANDARD_PHASES.map((phase) => [phase, 0]));
    this.requested = { cpuMilli: 0, memoryBytes: 0 };
    this.nodes = { total: 0, ready: 0, cordoned: 0 };
    this.capacity = { cpuMilli: 0, memoryBytes: 0 };
    this.deployments = { total: 0, available: 0 };
    for (const resource of [PODS, NODES, DEPLOYMENTS])
      for (const o of this.cache.objects(resource)) this.count(resource, o, 1);
  }

  private apply(e: CacheEvent) {
    // Already in the counts: written before the last full count, announced after it.
    if (e.resourceVersion <= this.countedThrough) return;
    if (e.previous) this.count(e.resource, e.previous, -1);
    if (e.type !== 'DELETED') this.count(e.resource, e.object, 1);
  }

  private count(resource: string, o: KubeObject, sign: 1 | -1) {
    if (resource === PODS) {
      const share = podShare(o as Stored<Pod>);
      const n = (this.phases[share.phase] ?? 0) + sign;
      // As a full count has them: the four phases always, any other only while a pod is in it.
      if (n === 0 && !STANDARD_PHASES.includes(share.phase)) delete this.phases[share.phase];
      else this.phases[share.phase] = n;
      this.requested.cpuMilli += sign * share.cpuMilli;
      this.requested.memoryBytes += sign * share.memoryBytes;
    } else if (resource === NODES) {
      const share = nodeShare(o as Stored<Node>);
      this.nodes.total += sign;
      if (share.ready) this.nodes.ready += sign;
      if (share.cordoned) this.nodes.cordoned += sign;
      this.capacity.cpuMilli += sign * share.cpuMilli;
      this.capacity.memoryBytes += sign * share.memoryBytes;
    } else if (resource === DEPLOYMENTS) {
      this.deployments.total += sign;
      if (deploymentAvailable(o as Stored<Deployment>)) this.deployments.available += sign;
    }
  }
}
