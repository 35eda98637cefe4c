import { timestamp } from '../apimachinery/meta.ts';

// Decision records: for every attempt a compact summary (kept for many pods),
// and full per-node detail for a bounded number of recent attempts.

export interface CandidateScore {
  node: string;
  score: number;
  entropyAfter?: number;
}

export interface DecisionSummary {
  pod: string;
  uid: string;
  /** The pod's creationTimestamp (for end-to-end latency). */
  createdAt?: string;
  profile: string;
  at: string;
  result: 'Scheduled' | 'Unschedulable' | 'Error';
  node?: string;
  message: string;
  nodes: number;
  evaluated: number;
  feasible: number;
  filterReasons: Record<string, number>;
  top: CandidateScore[];
  entropyBefore: number;
  entropyAfter?: number;
  durationMs: number;
  nominatedNode?: string;
}

export interface NodeDetail {
  node: string;
  feasible: boolean;
  plugin?: string;
  reason?: string;
  scores?: Record<string, { raw: number; normalized: number; weight: number }>;
  total?: number;
  entropyAfter?: number;
}

/** A binding's facts for its placement proof: requests (private in the proof) and the node's free capacity before it (public). cpu in millicores, memory in bytes. */
export interface PlacementFacts {
  cpu: number;
  memory: number;
  freeCpu: number;
  freeMemory: number;
  freePods: number;
}

export interface DecisionDetail extends DecisionSummary {
  detail: NodeDetail[];
  /** Set when the pod was bound. */
  placement?: PlacementFacts;
  /**
   * The scored nodes' detail as the scheduler's arrays, put before `detail` when
   * read (DecisionLog.forPod): building thousands of objects per sampled
   * decision, most never read, cost more than scoring the pod.
   */
  scored?: ScoredDetail;
}

/** One score plugin's scores of the feasible nodes, in their order. */
export interface PluginScores {
  name: string;
  weight: number;
  raw: Float64Array;
  /** The same array as raw when the plugin does not normalise. */
  normalized: Float64Array;
}

/** Feasible nodes with their per-plugin scores, totals and the cluster entropy after each; expanded on read. */
export class ScoredDetail {
  constructor(
    /** The node table's nodes (the array of that moment: a later layout makes a new one)… */
    readonly nodes: readonly { readonly name: string }[],
    /** …and the feasible ones' slots in it, in scoring order. */
    readonly slots: Int32Array,
    readonly plugins: PluginScores[],
    readonly totals: Float64Array,
    readonly entropyAfter: Float64Array,
  ) {}

  get size(): number {
    return this.slots.length;
  }

  /** The NodeDetail records (rounded as the API shows them). */
  expand(): NodeDetail[] {
    return Array.from(this.slots, (slot, i) => {
      const node = this.nodes[slot];
      const scores: NonNullable<NodeDetail['scores']> = {};
      for (const p of this.plugins)
        scores[p.name] = { raw: round(p.raw[i]), normalized: round(p.normalized[i]), weight: p.weight };
      return {
        node: node.name,
        feasible: true,
        scores,
        total: round(this.totals[i]),
        entropyAfter: round(this.entropyAfter[i]),
      };
    });
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

const NO_REASONS: Record<string, number> = Object.freeze({}) as Record<string, number>;

/**
 * A summary as kept for up to 100,000 pods: one flat object, the top
 * candidates packed into one string, the time as a number, and the message
 * left out when it is the standard one. The plain summary with its small
 * objects cost ~2 KiB a pod in a heap profile; this is a fraction of that.
 */
class StoredSummary {
  constructor(
    readonly pod: string,
    readonly uid: string,
    readonly createdAt: string | undefined,
    readonly profile: string,
    readonly atMs: number,
    readonly result: DecisionSummary['result'],
    readonly node: string | undefined,
    /** Unset when it is "Successfully assigned {pod} to {node}". */
    readonly message: string | undefined,
    readonly nodes: number,
    readonly evaluated: number,
    readonly feasible: number,
    readonly filterReasons: Record<string, number>,
    /** node, score and entropy after, tab-separated; candidates newline-separated. */
    readonly top: string,
    readonly entropyBefore: number,
    readonly entropyAfter: number | undefined,
    readonly durationMs: number,
    readonly nominatedNode: string | undefined,
  ) {}

  static of(d: DecisionSummary): StoredSummary {
    const standard = d.node !== undefined && d.message === assignedMessage(d.pod, d.node);
    const top = d.top.map((c) => `${c.node}\t${c.score}\t${c.entropyAfter ?? ''}`).join('\n');
    const reasons = Object.keys(d.filterReasons).length ? d.filterReasons : NO_REASONS;
    const at = Date.parse(d.at);
    return new StoredSummary(
      d.pod,
      d.uid,
      d.createdAt,
      d.profile,
      at,
      d.result,
      d.node,
      standard ? undefined : d.message,
      d.nodes,
      d.evaluated,
      d.feasible,
      reasons,
      top,
      d.entropyBefore,
      d.entropyAfter,
      d.durationMs,
      d.nominatedNode,
    );
  }

  expand(): DecisionSummary {
    const top: CandidateScore[] = this.top
      ? this.top.split('\n').map((line) => {
          const [node, score, after] = line.split('\t');
          return after === ''
            ? { node, score: Number(score) }
            : { node, score: Number(score), entropyAfter: Number(after) };
        })
      : [];
    const summary: DecisionSummary = {
      pod: this.pod,
      uid: this.uid,
      createdAt: this.createdAt,
      profile: this.profile,
      at: timestamp(new Date(this.atMs)),
      result: this.result,
      node: this.node,
      // Only the standard message is left out, and it names the node.
      message: this.message ?? assignedMessage(this.pod, this.node ?? ''),
      nodes: this.nodes,
      evaluated: this.evaluated,
      feasible: this.feasible,
      filterReasons: { ...this.filterReasons },
      top,
      entropyBefore: this.entropyBefore,
      entropyAfter: this.entropyAfter,
      durationMs: this.durationMs,
      nominatedNode: this.nominatedNode,
    };
    for (const k of ['createdAt', 'node', 'entropyAfter', 'nominatedNode'] as const)
      if (summary[k] === undefined) delete summary[k];
    return summary;
  }
}

function expanded(decision: DecisionDetail): DecisionDetail {
  const { scored, ...plain } = decision;
  return scored ? { ...plain, detail: [...scored.expand(), ...plain.detail] } : plain;
}

export function assignedMessage(pod: string, node: string): string {
  return `Successfully assigned ${pod} to ${node}`;
}

export class DecisionLog {
  private summaries = new Map<string, StoredSummary>(); // by pod uid, insertion-ordered
  private details: DecisionDetail[] = [];
  private counts = { scheduled: 0, unschedulable: 0, error: 0 };

  constructor(
    private maxSummaries = 100_000,
    private maxDetails = 200,
  ) {}

  record(decision: DecisionDetail) {
    const { detail: _detail, placement: _placement, scored: _scored, ...summary } = decision;
    this.summaries.delete(summary.uid);
    this.summaries.set(summary.uid, StoredSummary.of(summary));
    if (this.summaries.size > this.maxSummaries) this.summaries.delete(this.summaries.keys().next().value as string);
    if (decision.detail.length || decision.scored?.size) {
      this.details.push(decision);
      if (this.details.length > this.maxDetails) this.details.shift();
    }
    if (decision.result === 'Scheduled') this.counts.scheduled++;
    else if (decision.result === 'Unschedulable') this.counts.unschedulable++;
    else this.counts.error++;
  }

  /**
   * Replaces `previous`, recorded for the same attempt, with `decision` (a binding recorded before it was made
   * that then failed): the pod's latest decision becomes `decision`, and the totals count it instead.
   */
  replace(previous: DecisionDetail, decision: DecisionDetail) {
    const at = this.details.lastIndexOf(previous);
    if (at >= 0) this.details.splice(at, 1);
    if (previous.result === 'Scheduled') this.counts.scheduled--;
    else if (previous.result === 'Unschedulable') this.counts.unschedulable--;
    else this.counts.error--;
    this.record(decision);
  }

  get totals() {
    return { ...this.counts };
  }

  /** The latest decision for a pod ("ns/name" or uid), with per-node detail while it is recent. */
  forPod(podOrUid: string): DecisionSummary | DecisionDetail | undefined {
    for (let i = this.details.length - 1; i >= 0; i--)
      if (this.details[i].pod === podOrUid || this.details[i].uid === podOrUid) return expanded(this.details[i]);
    const byUid = this.summaries.get(podOrUid);
    if (byUid) return byUid.expand();
    let found: StoredSummary | undefined;
    for (const s of this.summaries.values()) if (s.pod === podOrUid) found = s;
    return found?.expand();
  }

  /** The newest summaries, newest first. */
  recent(limit = 50): DecisionSummary[] {
    const out: DecisionSummary[] = [];
    const all = [...this.summaries.values()];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) out.push(all[i].expand());
    return out;
  }
}
