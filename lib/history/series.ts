// Cluster history as time series at three resolutions. Pure: the server
// keeps the series, and the browser merges each new sample (from the socket)
// into the series it shows with the same function.

export const HISTORY_FIELDS = [
  'nodesReady',
  'nodesTotal',
  'podsPending',
  'podsRunning',
  'podsSucceeded',
  'podsFailed',
  'cpuCapacity',
  'cpuRequested',
  'cpuUsed',
  'memCapacity',
  'memRequested',
  'memUsed',
  'entropy',
  'scheduledPerSecond',
  'queued',
  'attemptP99Ms',
] as const;
export type HistoryField = (typeof HISTORY_FIELDS)[number];

/** One sample: `t` in ms since the epoch; cpu in millicores, memory in bytes, entropy 0–100. */
export type Sample = { t: number } & Record<HistoryField, number>;

/** A point averages the `n` samples taken in its step (`t` is the step's start). */
export type Point = Sample & { n: number };

export const WINDOWS = {
  '15m': { spanMs: 15 * 60_000, stepMs: 10_000 },
  '1h': { spanMs: 60 * 60_000, stepMs: 30_000 },
  '24h': { spanMs: 24 * 60 * 60_000, stepMs: 10 * 60_000 },
} as const;
export type HistoryWindow = keyof typeof WINDOWS;
export const isHistoryWindow = (w: unknown): w is HistoryWindow => typeof w === 'string' && w in WINDOWS;

/** The series with `sample` merged in: averaged into its step's point, old points dropped. Returns a new array. */
export function mergeSample(points: Point[], sample: Sample, window: HistoryWindow): Point[] {
  const { spanMs, stepMs } = WINDOWS[window];
  const start = Math.floor(sample.t / stepMs) * stepMs;
  const last = points.at(-1);
  let next: Point[];
  if (last && last.t === start) {
    const merged = { t: start, n: last.n + 1 } as Point;
    for (const f of HISTORY_FIELDS) merged[f] = (last[f] * last.n + sample[f]) / (last.n + 1);
    next = [...points.slice(0, -1), merged];
  } else if (last && last.t > start) {
    return points; // a late sample (clock step back): ignore it
  } else {
    next = [...points, { ...sample, t: start, n: 1 }];
  }
  const oldest = start - spanMs;
  const firstKept = next.findIndex((p) => p.t > oldest);
  return firstKept > 0 ? next.slice(firstKept) : next;
}

/** The three series, kept together. */
export class ClusterHistory {
  private series: Record<HistoryWindow, Point[]> = { '15m': [], '1h': [], '24h': [] };

  add(sample: Sample) {
    for (const w of Object.keys(WINDOWS) as HistoryWindow[]) this.series[w] = mergeSample(this.series[w], sample, w);
  }

  points(window: HistoryWindow): Point[] {
    return this.series[window];
  }

  toJSON() {
    return this.series;
  }

  /** Restores saved series (after a restart), keeping only well-formed points. */
  static from(saved: unknown): ClusterHistory {
    const history = new ClusterHistory();
    if (saved && typeof saved === 'object') {
      for (const w of Object.keys(WINDOWS) as HistoryWindow[]) {
        const points = (saved as Record<string, unknown>)[w];
        if (Array.isArray(points))
          history.series[w] = points.filter(
            (p): p is Point =>
              !!p &&
              typeof p === 'object' &&
              Number.isFinite(p.t) &&
              Number.isFinite(p.n) &&
              HISTORY_FIELDS.every((f) => Number.isFinite(p[f])),
          );
      }
    }
    return history;
  }
}
