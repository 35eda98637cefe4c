import { spawn } from 'node:child_process';

// One step's script as a local process: its own process group (so a kill takes whatever it started), its output
// streamed line by line into the container log up to a limit (the log says where it stopped), killed when its time
// is up or when the run is aborted (the pod deleted: cancel, the Job's deadline, the node going away).

export interface ProcessLimits {
  timeoutMs: number;
  /** Lines of output kept in the log; later lines are counted, not kept. */
  maxLines: number;
  /** Bytes of output kept in the log. */
  maxBytes: number;
  /** How long a process has after SIGTERM before SIGKILL. */
  killGraceMs: number;
}

export const DEFAULT_LIMITS: Omit<ProcessLimits, 'timeoutMs'> = {
  maxLines: 5000,
  maxBytes: 1024 * 1024,
  killGraceMs: 2000,
};

const MAX_LINE = 4096;
export const TIMEOUT_EXIT_CODE = 124;

export interface ProcessOutcome {
  exitCode: number;
  /** Why it was stopped, when it did not end by itself. */
  killed?: 'timeout' | 'aborted';
}

export function runProcess(
  argv: readonly string[],
  options: { cwd: string; env: Record<string, string>; signal: AbortSignal; log(line: string): void },
  limits: ProcessLimits,
): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    if (!argv.length) {
      options.log('error: the step has no command');
      resolve({ exitCode: 127 });
      return;
    }
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      // Next's types make NODE_ENV required in ProcessEnv; a step's environment is exactly what it is given.
      env: options.env as NodeJS.ProcessEnv,
      detached: true, // a process group of its own: killing -pid reaches its children too
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lines = 0;
    let bytes = 0;
    let dropped = 0;
    let killed: ProcessOutcome['killed'];
    const keep = (line: string) => {
      const text = line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}… (line cut at ${MAX_LINE} characters)` : line;
      if (lines < limits.maxLines && bytes + text.length <= limits.maxBytes) {
        lines += 1;
        bytes += text.length + 1;
        options.log(text);
      } else {
        if (dropped === 0)
          options.log(
            `… output limit reached (${limits.maxLines} lines or ${limits.maxBytes} bytes): further output is not kept`,
          );
        dropped += 1;
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const p of parts) keep(p);
        if (partial.length > MAX_LINE) {
          keep(partial);
          partial = '';
        }
      });
      stream.on('end', () => partial && keep(partial));
    }
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    let hardKill: NodeJS.Timeout | undefined;
    const stop = (why: NonNullable<ProcessOutcome['killed']>) => {
      if (killed || child.exitCode !== null) return;
      killed = why;
      signalGroup('SIGTERM');
      hardKill = setTimeout(() => signalGroup('SIGKILL'), limits.killGraceMs);
    };
    const timer = setTimeout(() => {
      options.log(`timed out after ${Math.round(limits.timeoutMs / 1000)} s: killing the step's processes`);
      stop('timeout');
    }, limits.timeoutMs);
    const onAbort = () => {
      options.log('the step was stopped (its pod was deleted): killing its processes');
      stop('aborted');
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    let spawnFailed = false;
    child.on('error', (err) => {
      spawnFailed = true;
      options.log(`error: could not start ${argv[0]}: ${err.message}`);
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      // The group may have outlived its leader (a child in the background): it goes with the step.
      signalGroup('SIGKILL');
      if (hardKill) clearTimeout(hardKill);
      if (dropped) options.log(`… ${dropped} more line(s) of output were not kept`);
      // As a shell reports them: 127 not started, 124 out of time (timeout(1)), 128+N killed by signal N.
      const exitCode = spawnFailed
        ? 127
        : killed === 'timeout'
          ? TIMEOUT_EXIT_CODE
          : (code ?? 128 + (sig === 'SIGKILL' ? 9 : sig === 'SIGTERM' ? 15 : 1));
      resolve({ exitCode, ...(killed ? { killed } : {}) });
    });
  });
}
