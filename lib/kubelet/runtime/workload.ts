import { milliCpu, parseQuantity } from '../../apimachinery/quantity.ts';

// What a simulated container "does", from its pod's annotations:
//   entroos.io/cpu       simulated cpu use (quantity, e.g. 250m)
//   entroos.io/memory    simulated memory use (quantity, e.g. 128Mi)
//   entroos.io/duration  seconds until the process exits (absent: runs forever)
//   entroos.io/exit-code exit code when it exits (default 0)
//   entroos.io/pattern   steady | spiky | ramp (usage over time)
//   entroos.io/fail-rate chance per minute (0–1) that the running process crashes (exit 1)
//   entroos.io/ready-after  seconds after start until the process answers probes
//   entroos.io/hang-after   seconds after start when the process stops answering probes
//   entroos.io/ignore-sigterm "true": the process ignores SIGTERM (killed at the grace period's end)
// A malformed value is a configuration error reported on the pod.

export interface WorkloadModel {
  cpuMilli: number;
  memoryBytes: number;
  durationMs?: number;
  exitCode: number;
  pattern: 'steady' | 'spiky' | 'ramp';
  failRatePerMinute: number;
  readyAfterMs: number;
  hangAfterMs?: number;
  ignoreSigterm: boolean;
}

export class WorkloadError extends Error {}

export function workloadOf(annotations: Record<string, string> | undefined, image: string): WorkloadModel {
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
  const exitCode = a['entroos.io/exit-code'] !== undefined ? Number(a['entroos.io/exit-code']) : 0;
  if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255)
    throw new WorkloadError(
      `annotation entroos.io/exit-code: ${JSON.stringify(a['entroos.io/exit-code'])} must be an integer 0–255`,
    );
  if (a['entroos.io/exit-code'] !== undefined && durationMs === undefined) durationMs = 1000;
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
    exitCode,
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
