import { describe, expect, it } from 'vitest';
import { DecisionLog, type DecisionDetail } from '@/lib/scheduler/decisions.ts';

const scheduled = (i: number): DecisionDetail => ({
  pod: `default/web-${i}`,
  uid: `uid-${i}`,
  createdAt: '2026-11-26T12:00:00Z',
  profile: 'entropy',
  at: '2026-11-26T12:00:01Z',
  result: 'Scheduled',
  node: 'node-3',
  message: `Successfully assigned default/web-${i} to node-3`,
  nodes: 8,
  evaluated: 8,
  feasible: 6,
  filterReasons: { 'node(s) were unschedulable': 2 },
  top: [
    { node: 'node-3', score: 912.5, entropyAfter: 0.93 },
    { node: 'node-1', score: 700, entropyAfter: 0.9 },
  ],
  entropyBefore: 0.91,
  entropyAfter: 0.93,
  durationMs: 0.42,
  detail: [],
  placement: { cpu: 100, memory: 1, freeCpu: 1, freeMemory: 1, freePods: 1 },
});

describe('DecisionLog', () => {
  it('gives back a kept summary exactly as recorded (without the per-node detail), by pod or uid, newest first', () => {
    const log = new DecisionLog(3, 0);
    const unschedulable: DecisionDetail = {
      ...scheduled(9),
      node: undefined,
      result: 'Unschedulable',
      message: '0/8 nodes are available: 8 Insufficient cpu.',
      feasible: 0,
      top: [],
      entropyAfter: undefined,
      filterReasons: {},
      nominatedNode: 'node-2',
    };
    delete unschedulable.node;
    delete unschedulable.entropyAfter;
    for (const d of [scheduled(1), scheduled(2), unschedulable]) log.record(d);
    const { detail: _d, placement: _p, ...summary } = scheduled(2);
    expect(log.forPod('default/web-2')).toEqual(summary);
    expect(log.forPod('uid-2')).toEqual(summary);
    const { detail: _d2, placement: _p2, ...unsched } = unschedulable;
    expect(log.forPod('default/web-9')).toEqual(unsched);
    expect(log.recent(2).map((s) => s.pod)).toEqual(['default/web-9', 'default/web-2']);
    log.record(scheduled(4));
    expect(log.forPod('default/web-1')).toBeUndefined(); // beyond the cap of 3
    expect(log.totals).toEqual({ scheduled: 3, unschedulable: 1, error: 0 });
  });
});
