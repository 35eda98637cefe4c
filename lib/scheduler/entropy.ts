// Entropy of cluster utilisation (see docs/concepts/entropy.md).
// With u_i each node's utilisation and q_i = u_i / Σu, H = −Σ q_i ln q_i.
// Keeping S = Σu and T = Σ u ln u makes H = ln S − T / S, so moving one
// node's utilisation from u to u' is O(1): S' = S − u + u', T' = T − u ln u + u' ln u'.

export const xlnx = (x: number) => (x > 0 ? x * Math.log(x) : 0);

/**
 * A running sum with Neumaier compensation: adding and later removing a large
 * term leaves no rounding residue that would swamp the small terms that stay.
 */
class CompensatedSum {
  total = 0;
  compensation = 0;

  add(x: number) {
    const t = this.total + x;
    this.compensation += Math.abs(this.total) >= Math.abs(x) ? this.total - t + x : x - t + this.total;
    this.total = t;
  }

  get value(): number {
    return this.total + this.compensation;
  }

  /** The value after adding a and b, without changing the sum (no allocation: the scheduler's hot path). */
  valueWith(a: number, b: number): number {
    return valueWith(this.total, this.compensation, a, b);
  }
}

function valueWith(total: number, compensation: number, a: number, b: number): number {
  let c = compensation;
  const t1 = total + a;
  c += Math.abs(total) >= Math.abs(a) ? total - t1 + a : a - t1 + total;
  const t2 = t1 + b;
  c += Math.abs(t1) >= Math.abs(b) ? t1 - t2 + b : b - t2 + t1;
  return t2 + c;
}

export class EntropyTracker {
  private sumU = new CompensatedSum();
  private sumT = new CompensatedSum();
  private count = 0;
  private lnCount = 0;
  private sum = 0;
  private sumXlnX = 0;

  reset(values: Iterable<number>) {
    this.sumU = new CompensatedSum();
    this.sumT = new CompensatedSum();
    this.count = 0;
    this.lnCount = 0;
    for (const u of values) this.add(u);
    this.refresh();
  }

  add(u: number) {
    this.sumU.add(u);
    this.sumT.add(xlnx(u));
    this.count++;
    this.lnCount = Math.log(this.count);
    this.refresh();
  }

  remove(u: number) {
    this.sumU.add(-u);
    this.sumT.add(-xlnx(u));
    this.count--;
    this.lnCount = this.count > 0 ? Math.log(this.count) : 0;
    this.refresh();
  }

  private refresh() {
    this.sum = this.sumU.value;
    this.sumXlnX = this.sumT.value;
  }

  get nodes() {
    return this.count;
  }

  /** Entropy now, in nats. */
  entropy(): number {
    return entropyOf(this.sum, this.sumXlnX);
  }

  /** Entropy if one node's utilisation changed from `before` to `after`. O(1). `beforeXlnX` may pass a cached before·ln(before). */
  entropyIf(before: number, after: number, beforeXlnX = xlnx(before)): number {
    return entropyOf(this.sumU.valueWith(-before, after), this.sumT.valueWith(-beforeXlnX, xlnx(after)));
  }

  /**
   * entropyIf for many nodes at once, scaled: for each i < count, node
   * `slots[i]` moving from `before[slot]` (with `beforeXlnX[slot]`) to
   * `out[i]`; `out[i]` becomes scaled(entropyIf(...)), with the same
   * arithmetic as the one-node path (so both choose the same node).
   */
  scaledIfMany(before: Float64Array, beforeXlnX: Float64Array, slots: Int32Array, count: number, out: Float64Array) {
    const uTotal = this.sumU.total;
    const uComp = this.sumU.compensation;
    const tTotal = this.sumT.total;
    const tComp = this.sumT.compensation;
    const lnCount = this.lnCount;
    const many = this.count > 1;
    for (let i = 0; i < count; i++) {
      const s = slots[i];
      const after = out[i];
      const sum = valueWith(uTotal, uComp, -before[s], after);
      const sumXlnX = valueWith(tTotal, tComp, -beforeXlnX[s], after > 0 ? after * Math.log(after) : 0);
      const h = entropyOf(sum, sumXlnX);
      out[i] = many ? Math.max(0, Math.min(100, (h / lnCount) * 100)) : 100;
    }
  }

  /** Entropy scaled to 0..100 against its maximum, ln N. */
  scaled(h: number): number {
    return this.count > 1 ? Math.max(0, Math.min(100, (h / this.lnCount) * 100)) : 100;
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
