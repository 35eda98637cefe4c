// Next bundles route handlers apart from server.ts, so a module imported by
// both exists twice. Process-wide state therefore lives on globalThis, and
// this is the one accessor for it.
const KEY = Symbol.for('entroos.globals');

type Globals = Record<string, unknown>;

function globals(): Globals {
  const g = globalThis as unknown as Record<symbol, Globals | undefined>;
  return (g[KEY] ??= {});
}

/** Returns the process-wide value for `name`, creating it on first use. */
export function processGlobal<T>(name: string, create: () => T): T {
  const all = globals();
  if (!(name in all)) all[name] = create();
  return all[name] as T;
}

/** Replaces (or with `undefined`, forgets) a process-wide value. */
export function setProcessGlobal<T>(name: string, value: T | undefined): void {
  const all = globals();
  if (value === undefined) delete all[name];
  else all[name] = value;
}
