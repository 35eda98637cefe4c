import { spawn } from 'node:child_process';
import { ConversionError } from './types.ts';

// Runs an engine's program in its own process group under limits: address space and written file size through
// the shell's ulimit, and wall time (the whole group is killed at the limit or when the conversion is cancelled),
// so a runaway LibreOffice dies alone and the server keeps serving.

export interface ProcessLimits {
  timeoutMs: number;
  /** Virtual memory, bytes. */
  memoryBytes: number;
  /** Largest file it may write, bytes. */
  fileBytes: number;
  signal: AbortSignal;
}

export function runLimited(
  program: string,
  args: string[],
  limits: ProcessLimits,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const script = `ulimit -v ${Math.ceil(limits.memoryBytes / 1024)} && ulimit -f ${Math.ceil(limits.fileBytes / 512)} && exec "$0" "$@"`;
    const child = spawn('/bin/sh', ['-c', script, program, ...args], {
      detached: true,
      // Exactly what the caller gives (Node's types make NODE_ENV required in ProcessEnv).
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-8000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let killedFor: 'timeout' | 'cancel' | undefined;
    const kill = (why: 'timeout' | 'cancel') => {
      killedFor ??= why;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => kill('timeout'), limits.timeoutMs);
    const onAbort = () => kill('cancel');
    limits.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      clearTimeout(timer);
      limits.signal.removeEventListener('abort', onAbort);
      reject(new ConversionError('EngineUnavailable', `cannot start ${program}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      limits.signal.removeEventListener('abort', onAbort);
      if (killedFor === 'timeout')
        return reject(
          new ConversionError('Timeout', `${program} did not finish within ${limits.timeoutMs} ms and was killed`),
        );
      if (killedFor === 'cancel') return reject(new ConversionError('Cancelled', 'the conversion was cancelled'));
      resolve({ code, output });
    });
  });
}
