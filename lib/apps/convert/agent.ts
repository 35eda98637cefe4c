import type { AgentExecutor } from '../../kubelet/agent-executors.ts';
import { EXECUTOR_NAME } from './types.ts';

// What `nko --exec convert` turns on (lib/nko.ts lists it): the conversion engines on the agent's machine
// (agent-run.ts). Loaded only when asked for, so an agent without it does not load sharp, Chromium's driver and
// the rest at start.

export const convertAgentExecutor: AgentExecutor = {
  name: EXECUTOR_NAME,
  description: 'the file conversion engines run entroos/convert-* pods here (input and output through the API)',
  create: async (ctx) => (await import('./agent-run.ts')).agentConvertExecutors(ctx),
};
