import { describe, expect, it } from 'vitest';
import { RowStore } from '@/lib/client/row-store.ts';

type Row = { namespace: string; name: string; v?: number };
const keyOf = (r: Row) => `${r.namespace}/${r.name}`;
const names = (s: RowStore<Row>) => s.rows.map(keyOf);

describe('RowStore', () => {
  it('keeps rows in key order through adds, replaces and removes, and bumps its version on each change', () => {
    const store = new RowStore<Row>(keyOf, [
      { namespace: 'b', name: 'x' },
      { namespace: 'a', name: 'z' },
      { namespace: 'a', name: 'y' },
    ]);
    expect(names(store)).toEqual(['a/y', 'a/z', 'b/x']);
    const rows = store.rows;
    const v0 = store.version;
    store.upsert({ namespace: 'a', name: 'yy' });
    store.upsert({ namespace: 'c', name: 'a' });
    store.upsert({ namespace: 'a', name: 'a' });
    expect(names(store)).toEqual(['a/a', 'a/y', 'a/yy', 'a/z', 'b/x', 'c/a']);
    store.upsert({ namespace: 'a', name: 'z', v: 2 });
    expect(store.get('a/z')).toEqual({ namespace: 'a', name: 'z', v: 2 });
    expect(store.rows[3]).toEqual({ namespace: 'a', name: 'z', v: 2 });
    store.remove('a/y');
    store.remove('missing/row');
    expect(names(store)).toEqual(['a/a', 'a/yy', 'a/z', 'b/x', 'c/a']);
    expect(store.get('a/y')).toBeUndefined();
    expect(store.size).toBe(5);
    expect(store.version).toBe(v0 + 5);
    // Changed in place: readers hold the same array and follow `version`.
    expect(store.rows).toBe(rows);
  });

  it('matches a sort of the same rows after many random changes, and keeps the last of duplicate keys', () => {
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const model = new Map<string, Row>();
    const store = new RowStore<Row>(keyOf, [
      { namespace: 'd', name: 'p1', v: 1 },
      { namespace: 'd', name: 'p1', v: 2 },
    ]);
    expect(store.rows).toEqual([{ namespace: 'd', name: 'p1', v: 2 }]);
    model.set('d/p1', { namespace: 'd', name: 'p1', v: 2 });
    for (let i = 0; i < 3000; i++) {
      const row = { namespace: `ns-${rand(3)}`, name: `pod-${rand(400)}`, v: i };
      if (rand(3) === 0) {
        store.remove(keyOf(row));
        model.delete(keyOf(row));
      } else {
        store.upsert(row);
        model.set(keyOf(row), row);
      }
    }
    const expected = [...model.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(names(store)).toEqual(expected);
    expect(store.rows.map((r) => r.v)).toEqual(expected.map((k) => model.get(k)!.v));
  });
});

describe('the events page store', () => {
  it('keeps only the newest EVENTS_SHOWN events after a batch', async () => {
    const { EVENTS_SHOWN, keepNewest } = await import('@/lib/client/events.ts');
    const { decodeEventRow } = await import('@/lib/apimachinery/rows.ts');
    // Two events a second: the version orders the ones seen in the same second.
    const row = (i: number) =>
      decodeEventRow(['ns', `e-${i}`, 1_000_000 + Math.floor(i / 2) * 1000, 'Normal', 'R', 'pod/p', 'm', 1, i]);
    const store = new RowStore(
      (r: { key: string }) => r.key,
      Array.from({ length: EVENTS_SHOWN }, (_, i) => row(i + 10)),
    );
    keepNewest(store);
    expect(store.size).toBe(EVENTS_SHOWN);
    for (const i of [0, 1, 2]) store.upsert(row(EVENTS_SHOWN + 100 + i));
    keepNewest(store);
    expect(store.size).toBe(EVENTS_SHOWN);
    expect(['ns/e-10', 'ns/e-11', 'ns/e-12'].map((k) => store.get(k))).toEqual([undefined, undefined, undefined]);
    expect(store.get('ns/e-13')).toBeDefined();
    expect(store.get(`ns/e-${EVENTS_SHOWN + 102}`)).toBeDefined();
  });
});
