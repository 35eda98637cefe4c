import { draw } from './runtime/random.ts';
import { prepareStart, type ConfigLookup } from './container-config.ts';
import { planReadiness, probeFailed } from './prober.ts';
import { MAX_BACKOFF_MS, type ExitCause, type PodEvents, type SimContainer, type SimPod } from './sim-model.ts';
import { EXECUTOR_ANNOTATION, executorFor, type ContainerExecutor } from './executor.ts';

// Containers from start to exit: init containers one at a time, then the app
// containers together; at each start the exit is decided ahead (workload,
// OOM, seeded crash, liveness), and at each exit the restart policy says
// whether it runs again — right away the first time, then in CrashLoopBackOff.

export interface LifecycleSettings {
  /** Seeds the crash draws (fail-rate), so a run replays the same way. */
  seed: number;
  /** CrashLoopBackOff's first wait; it doubles with each restart up to MAX_BACKOFF_MS. */
  crashBackoffMs: number;
  /** Where env and volumes read Secrets and ConfigMaps from (none: every reference is to a missing object). */
  lookupConfig?: ConfigLookup;
  /** Executors of real containers (executor.ts); other images are simulated. */
  executors?: readonly ContainerExecutor[];
  /** Called when an executor's run ends, to take the container's exit at the next tick. */
  wake?: (sim: SimPod) => void;
}

/** Starts the next init container, or — once every init container completed — the app containers. */
export function startNext(sim: SimPod, now: number) {
  const startable = (c: SimContainer) =>
    c.model && c.imageID && c.state.kind === 'waiting' && c.next === undefined && c.restartCount === 0;
  if (!sim.initDone) {
    const next = sim.containers.find((c) => c.init && !(c.state.kind === 'terminated' && c.state.exitCode === 0));
    if (next) {
      if (startable(next)) {
        next.next = 'start';
        next.nextAt = now + next.pullMs;
      }
      return;
    }
    sim.initDone = true;
  }
  for (const c of sim.containers) {
    if (c.init || !startable(c)) continue;
    c.next = 'start';
    c.nextAt = now + c.pullMs;
  }
}

export function startContainer(
  sim: SimPod,
  c: SimContainer,
  now: number,
  at: string,
  settings: LifecycleSettings,
  event: PodEvents,
) {
  const model = c.model;
  if (!model) return; // only containers whose workload parsed are ever due to start
  if (!prepareStart(sim, c, now, settings.lookupConfig ?? (() => null), event)) return;
  if (c.next === 'restart') c.restartCount++;
  c.state = { kind: 'running', startedAt: at };
  c.containerID = `mockdocker://${sim.uid.slice(0, 8)}${c.name}${c.restartCount}`;
  const started = { at: now, text: `starting ${c.image} (container ${c.name})` };
  c.run = { id: `${sim.key}/${c.name}/${c.restartCount}`, image: c.image, startedAt: now, events: [started] };
  event('Normal', 'Created', `Created container ${c.name}`);
  event('Normal', 'Started', `Started container ${c.name}`);
  c.executedExitCode = undefined;
  const executor = executorFor(settings.executors, c.image, sim.annotations[EXECUTOR_ANNOTATION]);
  if (executor) return execute(sim, c, executor, settings);
  const killAt = planReadiness(c, model, now);
  // The first of: the workload's own exit, an OOM kill as usage ramps up, a
  // crash drawn from fail-rate (seeded), a liveness kill.
  const exits: { at: number; cause: ExitCause }[] = [];
  if (model.durationMs !== undefined) exits.push({ at: now + model.durationMs, cause: 'workload' });
  if (c.oom) exits.push({ at: now + Math.min(model.durationMs ?? Infinity, 300), cause: 'oom' });
  if (model.failRatePerMinute > 0) {
    const u = draw(settings.seed, sim.key, c.name, c.restartCount);
    exits.push({ at: now + (-Math.log(1 - u) / model.failRatePerMinute) * 60_000, cause: 'crash' });
  }
  if (killAt !== undefined) exits.push({ at: killAt, cause: 'liveness' });
  const first = exits.sort((x, y) => x.at - y.at)[0];
  c.next = first ? 'exit' : undefined;
  c.nextAt = first ? Math.round(first.at) : undefined;
  c.exitCause = first?.cause;
}

/** Runs the container through its executor; its exit comes due when the run ends (or at once if it throws). */
function execute(sim: SimPod, c: SimContainer, executor: ContainerExecutor, settings: LifecycleSettings) {
  const run = c.run;
  if (!run) return;
  run.executed = true;
  c.next = undefined;
  c.nextAt = undefined;
  c.exitCause = undefined;
  const abort = new AbortController();
  c.execution = abort;
  const [namespace, pod] = sim.key.split('/');
  const log = (line: string) => {
    run.events.push({ at: Date.now(), text: line });
    if (run.events.length > 2000) run.events.splice(1, run.events.length - 1000);
  };
  const exited = (exitCode: number) => {
    // A deleted pod, a dead node or a newer start: this run's end is nobody's business any more.
    if (abort.signal.aborted || c.run !== run) return;
    c.execution = undefined;
    c.executedExitCode = exitCode;
    c.exitCause = 'workload';
    c.next = 'exit';
    c.nextAt = Date.now();
    settings.wake?.(sim);
  };
  let started: Promise<{ exitCode: number }>;
  try {
    started = executor.run({
      namespace,
      pod,
      podUid: sim.uid,
      container: c.name,
      node: sim.node.spec.name,
      image: c.image,
      command: c.spec.command ?? [],
      args: c.spec.args ?? [],
      env: c.config?.env ?? {},
      annotations: sim.annotations,
      restartCount: c.restartCount,
      signal: abort.signal,
      log,
    });
  } catch (err) {
    started = Promise.reject(err);
  }
  started.then(
    (r) => exited(Number.isInteger(r.exitCode) && r.exitCode >= 0 && r.exitCode <= 255 ? r.exitCode : 1),
    (err: unknown) => {
      log(`executor failed: ${err instanceof Error ? err.message : String(err)}`);
      exited(128);
    },
  );
}

function exitCode(cause: ExitCause, c: SimContainer): number {
  if (c.executedExitCode !== undefined && cause === 'workload') return c.executedExitCode;
  if (cause === 'oom' || cause === 'liveness') return 137; // SIGKILL
  const codes = c.model?.exitCodes;
  const code = codes ? codes[Math.min(c.restartCount, codes.length - 1)] : (c.model?.exitCode ?? 0);
  if (cause === 'fail' || cause === 'crash') return Math.max(1, code);
  return code;
}

function exitLine(cause: ExitCause, code: number): string {
  if (cause === 'oom') return 'killed: out of memory';
  if (cause === 'liveness') return 'killed: failed liveness probe';
  if (cause === 'crash') return `panic: simulated crash; exiting with code ${code}`;
  return `exiting with code ${code}`;
}

export function exitContainer(
  sim: SimPod,
  c: SimContainer,
  now: number,
  at: string,
  settings: LifecycleSettings,
  event: PodEvents,
) {
  const cause = c.exitCause ?? 'workload';
  c.exitCause = undefined;
  if (cause === 'liveness') {
    probeFailed(c, 'Liveness', now, event);
    event('Normal', 'Killing', `Container ${c.name} failed liveness probe, will be restarted`);
  }
  const code = exitCode(cause, c);
  const reason = cause === 'oom' ? 'OOMKilled' : code === 0 ? 'Completed' : 'Error';
  c.run?.events.push({ at: now, text: exitLine(cause, code) });
  if (c.run) c.run.endedAt = now;
  const startedAt = c.state.kind === 'running' ? c.state.startedAt : undefined;
  c.state = { kind: 'terminated', exitCode: code, reason, startedAt, finishedAt: at };
  c.ready = false;
  c.readyAt = undefined;
  c.unreadyAt = undefined;
  if (c.init && code === 0) {
    c.next = undefined;
    c.nextAt = undefined;
    startNext(sim, now);
    return;
  }
  const policy = sim.restartPolicy;
  const restart = policy === 'Always' || (policy === 'OnFailure' && code !== 0) || (c.init && policy !== 'Never');
  if (!restart) {
    c.next = undefined;
    c.nextAt = undefined;
    return;
  }
  // First restart is immediate; later ones back off exponentially (CrashLoopBackOff).
  const delay =
    c.restartCount === 0 ? 0 : Math.min(MAX_BACKOFF_MS, settings.crashBackoffMs * 2 ** (c.restartCount - 1));
  c.lastState = c.state;
  c.previousRun = c.run;
  c.run = undefined;
  if (delay > 0) {
    const pod = sim.key.split('/')[1];
    const message = `back-off ${Math.round(delay / 1000)}s restarting failed container=${c.name} pod=${pod}`;
    c.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message };
    event('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod}`);
  }
  c.next = 'restart';
  c.nextAt = now + delay;
}
