import type { Logger } from 'pino';
import type { ContainerExecutor } from './executor.ts';
import type { Isolation } from './sandbox.ts';

// What `nko --exec NAME[,NAME…]` can turn on: executors offered by name, built once the agent has connected.
// The kubelet knows only this shape; the composition root (lib/nko.ts) lists the applications' executors, so
// lib/kubelet never imports an application. An agent's nodes carry executor.entroos.io/NAME=true per executor.

export interface AgentExecutorContext {
  /** The server the agent joined (no trailing slash). */
  server: string;
  /** The agent's API token, as the kubelet uses it (`Authorization: Bearer …`). */
  token: string;
  /** The agent's scratch directory (--work-dir): each executor makes its own directories under it. */
  workDir: string;
  /** How the processes an executor starts are confined (--isolation; sandbox.ts's `confine`). */
  isolation: Isolation;
  /** The agent's node names (an executor may check a request's node is one of them). */
  nodes: readonly string[];
  log: Logger;
}

export interface AgentExecutor {
  /** What --exec names it by. */
  name: string;
  /** One line, printed when the agent starts with it. */
  description: string;
  create(ctx: AgentExecutorContext): ContainerExecutor[] | Promise<ContainerExecutor[]>;
}

/** The executors `--exec` names, or one line saying which names exist. */
export function pickExecutors(
  names: string | undefined,
  available: readonly AgentExecutor[],
): AgentExecutor[] | { error: string } {
  if (names === undefined) return [];
  const wanted = [...new Set(names.split(',').map((n) => n.trim()))];
  const known = available.map((e) => e.name).join(', ') || '(none)';
  const unknown = wanted.filter((n) => !available.some((e) => e.name === n));
  if (!wanted.length || unknown.length || wanted.includes(''))
    return { error: `--exec must name executors from: ${known} (got "${names}")` };
  return available.filter((e) => wanted.includes(e.name));
}
