import { milliCpu, parseQuantity } from '../../apimachinery/quantity.ts';

// What a simulated container "does", from its pod's annotations:
//   entroos.io/cpu       simulated cpu use (quantity, e.g. 250m)
//   entroos.io/memory    simulated memory use (quantity, e.g. 128Mi)
//   entroos.io/duration  seconds until the process exits (absent: runs forever)
//   entroos.io/exit-code exit code when it exits (default 0)
//   entroos.io/exit-codes exit codes by attempt, e.g. "1,1,0": attempt n exits with the n-th code (the last
//                        one repeats past the list's end). A container's attempt is its pod's
//                        entroos.io/attempt annotation (the Job controller stamps each pod it creates with
//                        the number of its failed predecessors: for the Job, or in an Indexed Job for the
//                        pod's index) plus the container's restarts, so "fails twice then succeeds" plays
//                        out alike with restartPolicy Never (new pods) and OnFailure (restarts in place)
//   entroos.io/pattern   steady | spiky | ramp (usage over time)
//   entroos.io/fail-rate chance per minute (0–1) that the running process crashes (exit 1)
//   entroos.io/ready-after  seconds after start until the process answers probes
//   entroos.io/hang-after   seconds after start when the process stops answering probes
//   entroos.io/ignore-sigterm "true": the process ignores SIGTERM (killed at the grace period's end)
// Without entroos.io/duration, a container whose command (command + args) is a
// one-shot shell command runs it: `true`, `false`, `exit N`, `echo …`, `date`
// exit at once (0, 1, N, 0, 0) and `sleep N` after N seconds, also when
// wrapped in `sh -c "…"`; the annotations above override the exit code. Any
// other command runs until stopped, like a server.
// A malformed value is a configuration error reported on the pod.

export interface WorkloadModel {
  cpuMilli: number;
  memoryBytes: number;
  durationMs?: number;
  exitCode: number;
  /**
   * Exit codes of this pod's container by restart (entroos.io/exit-codes): the k-th run exits with
   * exitCodes[min(k, length − 1)]. Absent, every run exits with exitCode (most pods: no array per container).
   */
  exitCodes?: readonly number[];
  pattern: 'steady' | 'spiky' | 'ramp';
  failRatePerMinute: number;
  readyAfterMs: number;
  hangAfterMs?: number;
  ignoreSigterm: boolean;
}

export class WorkloadError extends Error {}

export function workloadOf(
  annotations: Record<string, string> | undefined,
  image: string,
  command: string[] = [],
): WorkloadModel {
  const a = annotations ?? {};
  const base =
    image.includes('busybox') || image.includes('alpine')
      ? { cpu: 5, memory: 4 * 2 ** 20 }
      : { cpu: 50, memory: 64 * 2 ** 20 };
  const cpuMilli = a['entroos.io/cpu'] !== undefined ? milliCpu(a['entroos.io/cpu']) : base.cpu;
  if (!Number.isFinite(cpuMilli) || cpuMilli < 0)
    throw new WorkloadError(
      `annotation entroos.io/cpu: ${JSON.stringify(a['entroos.io/cpu'])} is not a cpu quantity (e.g. 250m)`,
    );
  const memoryBytes = a['entroos.io/memory'] !== undefined ? parseQuantity(a['entroos.io/memory']) : base.memory;
  if (!Number.isFinite(memoryBytes) || memoryBytes < 0)
    throw new WorkloadError(
      `annotation entroos.io/memory: ${JSON.stringify(a['entroos.io/memory'])} is not a memory quantity (e.g. 128Mi)`,
    );
  let durationMs = seconds(a, 'entroos.io/duration');
  const shell = durationMs === undefined ? oneShot(command) : undefined;
  if (shell) durationMs = shell.durationMs;
  const exitCode = a['entroos.io/exit-code'] !== undefined ? Number(a['entroos.io/exit-code']) : (shell?.exitCode ?? 0);
  if (!isExitCode(exitCode))
    throw new WorkloadError(
      `annotation entroos.io/exit-code: ${JSON.stringify(a['entroos.io/exit-code'])} must be an integer 0–255`,
    );
  let exitCodes: number[] | undefined;
  const byAttempt = a['entroos.io/exit-codes'];
  if (byAttempt !== undefined) {
    const codes = byAttempt.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
    if (!codes.every(isExitCode))
      throw new WorkloadError(
        `annotation entroos.io/exit-codes: ${JSON.stringify(byAttempt)} must be a comma-separated list of integers 0–255`,
      );
    const attempt = a['entroos.io/attempt'] !== undefined ? Number(a['entroos.io/attempt']) : 0;
    if (!Number.isInteger(attempt) || attempt < 0)
      throw new WorkloadError(
        `annotation entroos.io/attempt: ${JSON.stringify(a['entroos.io/attempt'])} must be a non-negative integer`,
      );
    exitCodes = codes.slice(Math.min(attempt, codes.length - 1));
  }
  if ((a['entroos.io/exit-code'] !== undefined || byAttempt !== undefined) && durationMs === undefined)
    durationMs = 1000;
  const pattern = (a['entroos.io/pattern'] ?? 'steady') as WorkloadModel['pattern'];
  if (!['steady', 'spiky', 'ramp'].includes(pattern))
    throw new WorkloadError(`annotation entroos.io/pattern: ${JSON.stringify(pattern)} must be steady, spiky or ramp`);
  const failRatePerMinute = a['entroos.io/fail-rate'] !== undefined ? Number(a['entroos.io/fail-rate']) : 0;
  if (!Number.isFinite(failRatePerMinute) || failRatePerMinute < 0 || failRatePerMinute > 1)
    throw new WorkloadError(
      `annotation entroos.io/fail-rate: ${JSON.stringify(a['entroos.io/fail-rate'])} must be a chance per minute from 0 to 1`,
    );
  const readyAfterMs = seconds(a, 'entroos.io/ready-after') ?? 0;
  const hangAfterMs = seconds(a, 'entroos.io/hang-after');
  const sigterm = a['entroos.io/ignore-sigterm'];
  if (sigterm !== undefined && sigterm !== 'true' && sigterm !== 'false')
    throw new WorkloadError(
      `annotation entroos.io/ignore-sigterm: ${JSON.stringify(sigterm)} must be "true" or "false"`,
    );
  return {
    cpuMilli,
    memoryBytes,
    durationMs,
    exitCode: exitCodes?.[0] ?? exitCode,
    exitCodes,
    pattern,
    failRatePerMinute,
    readyAfterMs,
    hangAfterMs,
    ignoreSigterm: sigterm === 'true',
  };
}

function seconds(a: Record<string, string>, key: string): number | undefined {
  if (a[key] === undefined) return undefined;
  const value = Number(a[key]);
  if (!Number.isFinite(value) || value < 0 || a[key].trim() === '')
    throw new WorkloadError(`annotation ${key}: ${JSON.stringify(a[key])} must be a non-negative number of seconds`);
  return value * 1000;
}

const isExitCode = (n: number) => Number.isInteger(n) && n >= 0 && n <= 255;

/** The few shell commands a simulated process runs to completion (see the header); undefined for any other. */
function oneShot(command: string[]): { durationMs: number; exitCode: number } | undefined {
  let words = command;
  if (words.length === 3 && /^(\/bin\/|\/usr\/bin\/)?(ba)?sh$/.test(words[0]) && words[1] === '-c')
    words = words[2].trim().split(/\s+/);
  const [program, ...rest] = words;
  const name = program?.split('/').pop();
  const quick = 100; // a process that exits at once still runs for a moment
  if (name === 'true' || name === 'echo' || name === 'date') return { durationMs: quick, exitCode: 0 };
  if (name === 'false') return { durationMs: quick, exitCode: 1 };
  if (name === 'exit' && rest.length <= 1) {
    const code = rest.length ? Number(rest[0]) : 0;
    return isExitCode(code) ? { durationMs: quick, exitCode: code } : undefined;
  }
  if (name === 'sleep' && rest.length === 1) {
    const secs = Number(rest[0]);
    return Number.isFinite(secs) && secs >= 0 ? { durationMs: secs * 1000, exitCode: 0 } : undefined;
  }
  return undefined;
}
