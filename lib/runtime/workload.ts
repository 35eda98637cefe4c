import { milliCpu, parseQuantity } from '../orchestrator/quantity.ts';

// What a simulated container "does", from its pod's annotations:
//   entroos.io/cpu       simulated cpu use (quantity, e.g. 250m)
//   entroos.io/memory    simulated memory use (quantity, e.g. 128Mi)
//   entroos.io/duration  seconds until the process exits (absent: runs forever)
//   entroos.io/exit-code exit code when it exits (default 0)
//   entroos.io/pattern   steady | spiky | ramp (usage over time)
// A malformed value is a configuration error reported on the pod.

export interface WorkloadModel {
  cpuMilli: number;
  memoryBytes: number;
  durationMs?: number;
  exitCode: number;
  pattern: 'steady' | 'spiky' | 'ramp';
}

export class WorkloadError extends Error {}

export function workloadOf(annotations: Record<string, string> | undefined, image: string): WorkloadModel {
  const a = annotations ?? {};
  const base = image.includes('busybox') || image.includes('alpine') ? { cpu: 5, memory: 4 * 2 ** 20 } : { cpu: 50, memory: 64 * 2 ** 20 };
  const cpuMilli = a['entroos.io/cpu'] !== undefined ? milliCpu(a['entroos.io/cpu']) : base.cpu;
  if (!Number.isFinite(cpuMilli) || cpuMilli < 0) throw new WorkloadError(`annotation entroos.io/cpu: ${JSON.stringify(a['entroos.io/cpu'])} is not a cpu quantity (e.g. 250m)`);
  const memoryBytes = a['entroos.io/memory'] !== undefined ? parseQuantity(a['entroos.io/memory']) : base.memory;
  if (!Number.isFinite(memoryBytes) || memoryBytes < 0) throw new WorkloadError(`annotation entroos.io/memory: ${JSON.stringify(a['entroos.io/memory'])} is not a memory quantity (e.g. 128Mi)`);
  let durationMs: number | undefined;
  if (a['entroos.io/duration'] !== undefined) {
    const seconds = Number(a['entroos.io/duration']);
    if (!Number.isFinite(seconds) || seconds < 0) throw new WorkloadError(`annotation entroos.io/duration: ${JSON.stringify(a['entroos.io/duration'])} must be a non-negative number of seconds`);
    durationMs = seconds * 1000;
  }
  const exitCode = a['entroos.io/exit-code'] !== undefined ? Number(a['entroos.io/exit-code']) : 0;
  if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) throw new WorkloadError(`annotation entroos.io/exit-code: ${JSON.stringify(a['entroos.io/exit-code'])} must be an integer 0–255`);
  if (a['entroos.io/exit-code'] !== undefined && durationMs === undefined) durationMs = 1000;
  const pattern = (a['entroos.io/pattern'] ?? 'steady') as WorkloadModel['pattern'];
  if (!['steady', 'spiky', 'ramp'].includes(pattern)) throw new WorkloadError(`annotation entroos.io/pattern: ${JSON.stringify(pattern)} must be steady, spiky or ramp`);
  return { cpuMilli, memoryBytes, durationMs, exitCode, pattern };
}
