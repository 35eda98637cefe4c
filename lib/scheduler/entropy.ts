// Entropy of cluster utilisation (see docs/concepts/entropy.md).
// With u_i each node's utilisation and q_i = u_i / Σu, H = −Σ q_i ln q_i.
// Keeping S = Σu and T = Σ u ln u makes H = ln S − T / S, so moving one
// node's utilisation from u to u' is O(1): S' = S − u + u', T' = T − u ln u + u' ln u'.

const xlnx = (x: number) => (x > 0 ? x * Math.log(x) : 0);

export class EntropyTracker {
  private sum = 0;
  private sumXlnX = 0;
  private count = 0;

  reset(values: Iterable<number>) {
    this.sum = 0;
    this.sumXlnX = 0;
    this.count = 0;
    for (const u of values) this.add(u);
  }

  add(u: number) {
    this.sum += u;
    this.sumXlnX += xlnx(u);
    this.count++;
  }

  remove(u: number) {
    this.sum -= u;
    this.sumXlnX -= xlnx(u);
    this.count--;
  }

  get nodes() {
    return this.count;
  }

  /** Entropy now, in nats. */
  entropy(): number {
    return entropyOf(this.sum, this.sumXlnX);
  }

  /** Entropy if one node's utilisation changed from `before` to `after`. O(1). */
  entropyIf(before: number, after: number): number {
    return entropyOf(this.sum - before + after, this.sumXlnX - xlnx(before) + xlnx(after));
  }

  /** Entropy scaled to 0..100 against its maximum, ln N. */
  scaled(h: number): number {
    return this.count > 1 ? Math.max(0, Math.min(100, (h / Math.log(this.count)) * 100)) : 100;
  }
}

function entropyOf(sum: number, sumXlnX: number): number {
  if (sum <= 1e-12) return 0;
  return Math.log(sum) - sumXlnX / sum;
}

/** The naive O(N) definition, for tests. */
export function entropyNaive(values: number[]): number {
  const s = values.reduce((a, b) => a + b, 0);
  if (s <= 0) return 0;
  return -values.reduce((h, u) => (u > 0 ? h + (u / s) * Math.log(u / s) : h), 0);
}
