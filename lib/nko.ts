// The standalone node agent's composition root (bin/nko.mjs): the kubelet's agent with the executors the
// applications offer to `nko --exec NAME`. Kept outside lib/kubelet so the kubelet never imports an application.
import type { AgentExecutor } from './kubelet/agent-executors.ts';
import { runAgent } from './kubelet/cli.ts';
import { ciAgentExecutor } from './apps/ci/agent/executor.ts';
import { convertAgentExecutor } from './apps/convert/agent.ts';

export const AGENT_EXECUTORS: readonly AgentExecutor[] = [ciAgentExecutor, convertAgentExecutor];

await runAgent(AGENT_EXECUTORS);
