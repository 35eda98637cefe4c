import type { LogOptions, LogResult } from '../apiserver/object-api.ts';
import { formatLines, logLines } from './runtime/logs.ts';
import type { SimPod } from './sim-model.ts';

/**
 * The pod/log subresource: a container's current (or previous) run's lines
 * after `sinceTime`, the newest `tailLines`; undefined when that run does
 * not exist (not started yet, or no previous instance).
 */
export function containerLogs(sim: SimPod | undefined, container: string, opts: LogOptions): LogResult | undefined {
  const c = sim?.containers.find((x) => x.name === container);
  const run = opts.previous ? c?.previousRun : c?.run;
  if (!run) return undefined;
  const lines = logLines(run, { since: opts.sinceTime, limit: opts.tailLines });
  return {
    text: formatLines(lines, !!opts.timestamps),
    // Where a follow (-f) continues: after the last line sent, else after `since`, else from the start.
    cursor: lines.at(-1)?.at ?? opts.sinceTime ?? run.startedAt - 1,
    runId: run.id,
    running: run.endedAt === undefined,
  };
}
