import { describe, expect, it } from 'vitest';
import { ClusterHistory, HISTORY_FIELDS, mergeSample, type Sample } from '../../lib/history/series.ts';

const sample = (t: number, value: number): Sample =>
  ({ t, ...Object.fromEntries(HISTORY_FIELDS.map((f) => [f, value])) }) as Sample;

describe('cluster history series', () => {
  it('averages the samples of one step and starts a new point for the next', () => {
    let points = mergeSample([], sample(30_000, 10), '1h');
    points = mergeSample(points, sample(40_000, 20), '1h');
    points = mergeSample(points, sample(50_000, 30), '1h');
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({ t: 30_000, n: 3, podsRunning: 20 });
    points = mergeSample(points, sample(60_000, 5), '1h');
    expect(points.map((p) => [p.t, p.n, p.cpuUsed])).toEqual([
      [30_000, 3, 20],
      [60_000, 1, 5],
    ]);
  });

  it('drops points older than the window and ignores a sample from the past', () => {
    let points = mergeSample([], sample(0, 1), '15m');
    points = mergeSample(points, sample(15 * 60_000 + 10_000, 2), '15m');
    expect(points.map((p) => p.t)).toEqual([15 * 60_000 + 10_000]);
    expect(mergeSample(points, sample(5_000, 9), '15m')).toBe(points);
  });

  it('keeps three resolutions and restores only well-formed saved points', () => {
    const history = new ClusterHistory();
    for (let i = 0; i < 100; i++) history.add(sample(i * 10_000, i));
    expect(history.points('15m')).toHaveLength(90);
    expect(history.points('1h')).toHaveLength(34);
    expect(history.points('24h')).toHaveLength(2);
    const saved = JSON.parse(JSON.stringify(history));
    saved['1h'].push({ t: 'garbage' });
    const restored = ClusterHistory.from(saved);
    expect(restored.points('1h')).toEqual(history.points('1h'));
    expect(ClusterHistory.from('nonsense').points('15m')).toEqual([]);
  });
});

describe('per-node usage history', () => {
  it('keeps the last 90 samples per node, oldest first, and forgets removed nodes', async () => {
    const { NodeUsageHistory } = await import('../../lib/history/node-series.ts');
    const h = new NodeUsageHistory();
    for (let i = 0; i < 100; i++)
      h.add(
        i * 10_000,
        new Map([
          ['a', { cpuMilli: i, memoryBytes: i * 1024 }],
          ...(i < 50 ? [['b', { cpuMilli: 1, memoryBytes: 1 }] as const] : []),
        ]),
      );
    const a = h.points('a');
    expect(a).toHaveLength(90);
    expect(a[0]).toEqual({ t: 100_000, cpuUsed: 10, memUsed: 10_240 });
    expect(a.at(-1)).toEqual({ t: 990_000, cpuUsed: 99, memUsed: 99 * 1024 });
    expect(h.points('b')).toEqual([]);
  });
});
