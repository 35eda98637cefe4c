// Per-node usage over the last 15 minutes (one point per sample), for the
// node page's charts. Typed rings: 10,000 nodes cost about 10 MB.

const POINTS = 90;

interface Ring {
  t: Float64Array;
  cpu: Float32Array;
  mem: Float32Array;
  head: number;
  size: number;
}

export interface NodeUsagePoint {
  t: number;
  /** millicores */
  cpuUsed: number;
  /** bytes */
  memUsed: number;
}

export class NodeUsageHistory {
  private rings = new Map<string, Ring>();

  /** Records one sample of every node's usage; nodes no longer present are forgotten. */
  add(t: number, usage: Map<string, { cpuMilli: number; memoryBytes: number }>) {
    for (const name of this.rings.keys()) if (!usage.has(name)) this.rings.delete(name);
    for (const [name, u] of usage) {
      let ring = this.rings.get(name);
      if (!ring)
        this.rings.set(
          name,
          (ring = {
            t: new Float64Array(POINTS),
            cpu: new Float32Array(POINTS),
            mem: new Float32Array(POINTS),
            head: 0,
            size: 0,
          }),
        );
      ring.t[ring.head] = t;
      ring.cpu[ring.head] = u.cpuMilli;
      ring.mem[ring.head] = u.memoryBytes;
      ring.head = (ring.head + 1) % POINTS;
      ring.size = Math.min(POINTS, ring.size + 1);
    }
  }

  /** Every node's latest sample. */
  latest(): ({ node: string } & NodeUsagePoint)[] {
    return [...this.rings].map(([node, ring]) => {
      const at = (ring.head - 1 + POINTS) % POINTS;
      return { node, t: ring.t[at], cpuUsed: ring.cpu[at], memUsed: ring.mem[at] };
    });
  }

  points(name: string): NodeUsagePoint[] {
    const ring = this.rings.get(name);
    if (!ring) return [];
    const out: NodeUsagePoint[] = [];
    for (let i = 0; i < ring.size; i++) {
      const at = (ring.head - ring.size + i + POINTS) % POINTS;
      out.push({ t: ring.t[at], cpuUsed: ring.cpu[at], memUsed: ring.mem[at] });
    }
    return out;
  }
}
