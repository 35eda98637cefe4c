// The pods page's filters as one plain function and one loop over the rows, instead of a predicate closure made per
// keystroke and handed to Array.prototype.filter: the same code runs for every filter, so it can be compiled
// before the first keystroke (warmPodFilter, in idle time after the list arrives). Cold, the first filter of
// 100,000 rows paid the interpreter and the compilers on top of the pass itself.

/** What the filters read of a pods-table row (`search`: the name and node, lower-cased, see pods.ts). */
export interface FilterablePodRow {
  namespace: string;
  phase: string;
  node: string;
  search: string;
}

/** The filters as the page applies them; empty means not set. */
export interface PodFilter {
  namespace: string;
  phase: string;
  /** Matched case-sensitively within the node's name; a pod on no node ('—') never matches. */
  node: string;
  /** Lower-case: matched within the row's `search`. */
  text: string;
}

export const isFiltering = (f: PodFilter): boolean => !!(f.namespace || f.phase || f.node || f.text);

export function rowMatches(r: FilterablePodRow, f: PodFilter): boolean {
  return (
    (!f.namespace || r.namespace === f.namespace) &&
    (!f.phase || r.phase === f.phase) &&
    (!f.node || (r.node !== '—' && r.node.includes(f.node))) &&
    (!f.text || r.search.includes(f.text))
  );
}

/** The rows in `[from, to)` that match, appended to `out` in their order. */
export function filterPodRows<Row extends FilterablePodRow>(
  rows: readonly Row[],
  f: PodFilter,
  out: Row[] = [],
  from = 0,
  to = rows.length,
): Row[] {
  for (let i = from; i < to; i++) if (rowMatches(rows[i], f)) out.push(rows[i]);
  return out;
}

const SLICE = 2048;

/**
 * Runs the filter over `rows` once, in slices of idle time, so the first real filter finds it compiled; the
 * result is dropped. The probe is the first row's own text, so the loop's match branch runs too (a branch never
 * taken while warming would be left out of the compiled code, and the first match would throw it away). Returns a
 * function that stops it.
 */
export function warmPodFilter(rows: readonly FilterablePodRow[]): () => void {
  if (!rows.length) return () => {};
  const probe: PodFilter = { namespace: '', phase: '', node: '', text: rows[0].search };
  const idle = typeof requestIdleCallback === 'function';
  let at = 0;
  let handle: ReturnType<typeof setTimeout> | number | undefined;
  const step = (deadline?: IdleDeadline) => {
    const out: FilterablePodRow[] = [];
    const start = performance.now();
    // Without idle callbacks (Safari), slices of about 4 ms between timers.
    const more = () => (deadline ? deadline.timeRemaining() > 1 : performance.now() - start < 4);
    do {
      const to = Math.min(rows.length, at + SLICE);
      filterPodRows(rows, probe, out, at, to);
      at = to;
    } while (at < rows.length && more());
    if (at < rows.length) schedule();
  };
  const schedule = () => {
    handle = idle ? requestIdleCallback(step) : setTimeout(step, 0);
  };
  schedule();
  return () => (idle ? cancelIdleCallback(handle as number) : clearTimeout(handle));
}
