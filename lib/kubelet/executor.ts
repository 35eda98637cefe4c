// Real work on simulated nodes: a ContainerExecutor runs the containers whose image starts with its prefix
// (`entroos/convert-`) instead of the simulated workload, and the container exits when the run does, with the
// run's exit code and the lines it logged. Whoever builds the fleet hands it the executors (an application, the
// standalone agent with --exec); the kubelet knows nothing of what they do. Every other image is simulated as
// before.

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
  imagePrefix: string;
  run(req: ExecutionRequest): Promise<ExecutionResult>;
}

/** The executor for `image`, if one claims it (the longest prefix wins). */
export function executorFor(
  executors: readonly ContainerExecutor[] | undefined,
  image: string,
): ContainerExecutor | undefined {
  let best: ContainerExecutor | undefined;
  for (const e of executors ?? [])
    if (image.startsWith(e.imagePrefix) && (!best || e.imagePrefix.length > best.imagePrefix.length)) best = e;
  return best;
}
