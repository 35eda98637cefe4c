import { describe, expect, it } from 'vitest';
import { workloadOf, WorkloadError } from '@/lib/kubelet/runtime/workload.ts';
import { formatIndexes, parseIndexes } from '@/lib/controllers/job.ts';

// What Jobs rely on in the simulated runtime (exit codes by attempt, one-shot commands) and in their status
// (completed indexes as ranges).

describe('the simulated workload of Job pods', () => {
  it('picks exit codes by attempt: the pod annotation entroos.io/attempt, then restarts in place', () => {
    const codes = (attempt?: string) =>
      workloadOf({ 'entroos.io/exit-codes': '1,1,0', ...(attempt ? { 'entroos.io/attempt': attempt } : {}) }, 'busybox')
        .exitCodes;
    expect(codes()).toEqual([1, 1, 0]);
    expect(codes('1')).toEqual([1, 0]);
    expect(codes('2')).toEqual([0]);
    expect(codes('7')).toEqual([0]); // past the list's end the last code repeats
    expect(workloadOf({ 'entroos.io/exit-codes': '3' }, 'busybox').durationMs).toBe(1000);
    expect(() => workloadOf({ 'entroos.io/exit-codes': '1,x' }, 'busybox')).toThrow(WorkloadError);
    expect(() => workloadOf({ 'entroos.io/exit-codes': '1', 'entroos.io/attempt': '-1' }, 'busybox')).toThrow(
      /entroos.io\/attempt/,
    );
  });

  it('runs one-shot shell commands to completion, and anything else until stopped', () => {
    const run = (command: string[]) => {
      const m = workloadOf({}, 'busybox', command);
      return { durationMs: m.durationMs, exitCode: m.exitCode };
    };
    expect(run(['true'])).toEqual({ durationMs: 100, exitCode: 0 });
    expect(run(['/bin/false'])).toEqual({ durationMs: 100, exitCode: 1 });
    expect(run(['sh', '-c', 'exit 3'])).toEqual({ durationMs: 100, exitCode: 3 });
    expect(run(['sleep', '2'])).toEqual({ durationMs: 2000, exitCode: 0 });
    expect(run(['echo', 'hello', 'world'])).toEqual({ durationMs: 100, exitCode: 0 });
    expect(run(['nginx', '-g', 'daemon off;']).durationMs).toBeUndefined();
    expect(run([]).durationMs).toBeUndefined();
    // The annotations win over the command.
    expect(workloadOf({ 'entroos.io/exit-code': '5' }, 'busybox', ['true']).exitCode).toBe(5);
    expect(workloadOf({ 'entroos.io/duration': '9' }, 'busybox', ['true']).durationMs).toBe(9000);
  });
});

describe('completed indexes', () => {
  it('are written as sorted ranges and read back', () => {
    expect(formatIndexes([4, 0, 2, 1])).toBe('0-2,4');
    expect(formatIndexes([])).toBe('');
    expect(formatIndexes([7])).toBe('7');
    expect([...parseIndexes('0-2,4', 10)].sort()).toEqual([0, 1, 2, 4]);
    expect([...parseIndexes('0-2,4', 3)].sort()).toEqual([0, 1, 2]); // beyond completions: dropped
  });
});
