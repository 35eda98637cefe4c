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
}

export class DecisionLog {
  private summaries = new Map<string, DecisionSummary>(); // by pod uid, insertion-ordered
  private details: DecisionDetail[] = [];
  private counts = { scheduled: 0, unschedulable: 0, error: 0 };

  constructor(
    private maxSummaries = 100_000,
    private maxDetails = 200,
  ) {}

  record(decision: DecisionDetail) {
    const { detail: _detail, placement: _placement, ...summary } = decision;
    this.summaries.delete(summary.uid);
    this.summaries.set(summary.uid, summary);
    if (this.summaries.size > this.maxSummaries) this.summaries.delete(this.summaries.keys().next().value as string);
    if (decision.detail.length) {
      this.details.push(decision);
      if (this.details.length > this.maxDetails) this.details.shift();
    }
    if (decision.result === 'Scheduled') this.counts.scheduled++;
    else if (decision.result === 'Unschedulable') this.counts.unschedulable++;
    else this.counts.error++;
  }

  get totals() {
    return { ...this.counts };
  }

  /** The latest decision for a pod ("ns/name" or uid), with per-node detail while it is recent. */
  forPod(podOrUid: string): DecisionSummary | DecisionDetail | undefined {
    for (let i = this.details.length - 1; i >= 0; i--) if (this.details[i].pod === podOrUid || this.details[i].uid === podOrUid) return this.details[i];
    const byUid = this.summaries.get(podOrUid);
    if (byUid) return byUid;
    let found: DecisionSummary | undefined;
    for (const s of this.summaries.values()) if (s.pod === podOrUid) found = s;
    return found;
  }

  /** The newest summaries, newest first. */
  recent(limit = 50): DecisionSummary[] {
    const all = [...this.summaries.values()];
    return all.slice(-limit).reverse();
  }
}
