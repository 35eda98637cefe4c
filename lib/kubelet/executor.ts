// Real work on simulated nodes: a ContainerExecutor runs the containers whose image starts with its prefix
// (`entroos/convert-`), or those of pods that ask for it by name (annotation entroos.io/executor), instead of the
// simulated workload, and the container exits when the run does, with the run's exit code and the lines it
// logged. Whoever builds the fleet hands it the executors (an application, the standalone agent with --exec); the
// kubelet knows nothing of what they do. Every other image is simulated as before.

/** The pod annotation naming the executor its containers must run on (a node without it refuses them). */
export const EXECUTOR_ANNOTATION = 'entroos.io/executor';
/** The node label prefix an agent marks its nodes with per executor it runs (`executor.entroos.io/ci: "true"`). */
export const EXECUTOR_NODE_LABEL = 'executor.entroos.io/';

export interface ExecutionRequest {
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  /** The node the pod is bound to. */
  node: string;
  image: string;
  command: readonly string[];
  args: readonly string[];
  /** The container's environment as resolved at this start (Secrets and ConfigMaps included: never log it). */
  env: Readonly<Record<string, string>>;
  /** The pod's annotations. */
  annotations: Readonly<Record<string, string>>;
  /** The container's restarts so far (0 on its first run). */
  restartCount: number;
  /** Aborted when the pod is deleted (SIGTERM) or its node dies: stop and return. */
  signal: AbortSignal;
  /** Appends a line to the container's log (`kubectl logs`). */
  log(line: string): void;
}

export interface ExecutionResult {
  exitCode: number;
}

export interface ContainerExecutor {
  /** Images whose reference starts with this run here. */
  imagePrefix?: string;
  /** Pods annotated entroos.io/executor with this name run here (whatever their image). */
  name?: string;
  run(req: ExecutionRequest): Promise<ExecutionResult>;
}

/**
 * The executor for a container: the one named by its pod's entroos.io/executor (`requested`), else the one whose
 * image prefix claims `image` (the longest prefix wins). A requested name no executor has answers a refusal, so the
 * pod fails instead of being simulated as if its work ran.
 */
export function executorFor(
  executors: readonly ContainerExecutor[] | undefined,
  image: string,
  requested?: string,
): ContainerExecutor | undefined {
  if (requested) return executors?.find((e) => e.name === requested) ?? refusal(requested);
  let best: ContainerExecutor | undefined;
  for (const e of executors ?? [])
    if (
      e.imagePrefix !== undefined &&
      image.startsWith(e.imagePrefix) &&
      (!best || e.imagePrefix.length > (best.imagePrefix?.length ?? 0))
    )
      best = e;
  return best;
}

/** Exit code of a container whose pod asked for an executor its node does not run (as a shell's "cannot execute"). */
export const NO_EXECUTOR_EXIT_CODE = 126;

const refusal = (name: string): ContainerExecutor => ({
  name,
  run: async (req) => {
    req.log(
      `this node runs no "${name}" executor, so nothing was executed (run a standalone agent with: npx nko --exec ${name})`,
    );
    return { exitCode: NO_EXECUTOR_EXIT_CODE };
  },
});
