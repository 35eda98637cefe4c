// Rows kept in key order and changed in place. A live table of 100,000 pods
// gets tens of changes per socket batch: copying, re-filtering and re-sorting
// the whole list for each batch cost ~75 ms of main thread, where a binary
// search and an in-place replace or splice cost microseconds.

/** Code-unit order (keys are ASCII names): no collator, so it is fast and matches the server's list order. */
const before = (a: string, b: string) => a < b;

export class RowStore<Row> {
  private keys: string[] = [];
  private list: Row[] = [];
  private byKey = new Map<string, Row>();
  /** Bumped by every change: views derived from `rows` (which keeps its identity) depend on it. */
  version = 0;

  constructor(
    readonly keyOf: (row: Row) => string,
    initial: Row[] = [],
  ) {
    const keyed = initial.map((row) => ({ key: keyOf(row), row }));
    // Lists arrive in key order already, where this sort is one linear pass.
    keyed.sort((a, b) => (before(a.key, b.key) ? -1 : before(b.key, a.key) ? 1 : 0));
    for (const { key, row } of keyed) {
      if (this.byKey.has(key)) this.list[this.keys.length - 1] = row;
      else {
        this.keys.push(key);
        this.list.push(row);
      }
      this.byKey.set(key, row);
    }
  }

  /** Every row in key order. The same array across changes: read it, do not keep a copy of it. */
  get rows(): readonly Row[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  get(key: string): Row | undefined {
    return this.byKey.get(key);
  }

  /** Adds the row, or replaces the row with the same key in place. */
  upsert(row: Row): void {
    const key = this.keyOf(row);
    const at = this.search(key);
    if (this.keys[at] === key) this.list[at] = row;
    else {
      this.keys.splice(at, 0, key);
      this.list.splice(at, 0, row);
    }
    this.byKey.set(key, row);
    this.version++;
  }

  remove(key: string): void {
    if (!this.byKey.delete(key)) return;
    const at = this.search(key);
    this.keys.splice(at, 1);
    this.list.splice(at, 1);
    this.version++;
  }

  /** The first index whose key is not before `key`. */
  private search(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.keys[mid], key)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
