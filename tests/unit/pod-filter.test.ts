import { describe, expect, it, vi } from 'vitest';
import { filterPodRows, isFiltering, rowMatches, warmPodFilter, type PodFilter } from '@/lib/client/pod-filter.ts';

type Row = { namespace: string; name: string; phase: string; node: string; search: string };
const row = (namespace: string, name: string, phase: string, node: string): Row => ({
  namespace,
  name,
  phase,
  node,
  search: `${name.toLowerCase()}\n${node === '—' ? '' : node.toLowerCase()}`,
});
const none: PodFilter = { namespace: '', phase: '', node: '', text: '' };
const rows = [
  row('default', 'Web-1', 'Running', 'node-A'),
  row('default', 'web-2', 'Pending', '—'),
  row('kube-system', 'dns', 'Running', 'node-b'),
  row('default', 'db', 'Failed', 'web-node'),
];
const names = (rs: Row[]) => rs.map((r) => r.name);

describe('pod filter', () => {
  it('is set when any filter is', () => {
    expect(isFiltering(none)).toBe(false);
    expect(isFiltering({ ...none, text: 'x' })).toBe(true);
    expect(isFiltering({ ...none, node: 'n' })).toBe(true);
    expect(isFiltering({ ...none, phase: 'Running' })).toBe(true);
    expect(isFiltering({ ...none, namespace: 'default' })).toBe(true);
  });

  it('matches the namespace and phase exactly, the node case-sensitively within its name, the text within name or node', () => {
    expect(names(filterPodRows(rows, { ...none, namespace: 'default' }))).toEqual(['Web-1', 'web-2', 'db']);
    expect(names(filterPodRows(rows, { ...none, namespace: 'defaul' }))).toEqual([]);
    expect(names(filterPodRows(rows, { ...none, phase: 'Running' }))).toEqual(['Web-1', 'dns']);
    expect(names(filterPodRows(rows, { ...none, node: 'node-' }))).toEqual(['Web-1', 'dns']);
    expect(names(filterPodRows(rows, { ...none, node: 'node-a' }))).toEqual([]);
    // A pod on no node shows '—' there, which is not a node name to match.
    expect(names(filterPodRows(rows, { ...none, node: '—' }))).toEqual([]);
    // The caller lower-cases the text; names and nodes are compared lower-cased.
    expect(names(filterPodRows(rows, { ...none, text: 'web' }))).toEqual(['Web-1', 'web-2', 'db']);
    expect(names(filterPodRows(rows, { ...none, text: 'node-a' }))).toEqual(['Web-1']);
    expect(names(filterPodRows(rows, { ...none, namespace: 'default', phase: 'Running', text: 'web' }))).toEqual([
      'Web-1',
    ]);
    expect(rowMatches(rows[2], { ...none, namespace: 'kube-system', node: 'b', text: 'dns' })).toBe(true);
    expect(rowMatches(rows[2], { ...none, namespace: 'kube-system', node: 'b', text: 'dnsx' })).toBe(false);
  });

  it('appends the matches of a range to a given array, in order', () => {
    const out = [rows[3]];
    expect(filterPodRows(rows, { ...none, namespace: 'default' }, out, 1, 3)).toBe(out);
    expect(names(out)).toEqual(['db', 'web-2']);
  });

  it('warms up over every row in slices, without changing them, and can be stopped', () => {
    vi.useFakeTimers();
    try {
      const many = Array.from({ length: 10_000 }, (_, i) => row('default', `pod-${i}`, 'Pending', '—'));
      const reads = vi.fn();
      const watched = many.map((r) =>
        Object.defineProperty({ ...r }, 'search', {
          get: () => {
            reads();
            return r.search;
          },
        }),
      );
      warmPodFilter(watched);
      vi.runAllTimers();
      // Every row read once, plus the first row's text taken as the probe.
      expect(reads).toHaveBeenCalledTimes(many.length + 1);

      reads.mockClear();
      const stop = warmPodFilter(watched);
      stop();
      vi.runAllTimers();
      expect(reads).toHaveBeenCalledTimes(1);
      expect(warmPodFilter([])).toBeTypeOf('function');
    } finally {
      vi.useRealTimers();
    }
  });
});
