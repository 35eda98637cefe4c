import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processGlobal } from '../../../global.ts';
import { ConversionError } from './types.ts';

// The processes the image engine runs sharp in (image-process.mjs), so that a crash or a hang in libvips fails
// the one conversion it was running and never the server: each process takes one job at a time; one that exits
// mid-job (a segfault, the OOM killer) fails that job with how it died; one past the job's time limit is killed.
// A new process is forked on demand, up to one per core (libvips threads inside each), and kept for the next job.

/**
 * Beside this module (the sources, or the standalone build, which copies it next to its bundle), else where the
 * sources keep it (server.ts bundled at the root of a checkout, as the tests run it). Paths, not `new URL(literal,
 * import.meta.url)`, which the Next bundler would try to resolve as a module at build time.
 */
function processFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, FILE),
    join(here, 'lib', 'apps', 'convert', 'engines', FILE),
    join(process.cwd(), 'lib', 'apps', 'convert', 'engines', FILE),
  ];
  return candidates.find((path) => existsSync(/*turbopackIgnore: true*/ path)) ?? candidates[0];
}

const FILE = 'image-process.mjs';

/** What image-process.mjs is asked to do (see there); `id` is added by the pool. */
export type ImageJob =
  | { op: 'metadata'; open: OpenOptions }
  | {
      op: 'convert';
      open: OpenOptions;
      output: string;
      timeoutSeconds: number;
      rotate: boolean;
      resize?: { width?: number; height?: number };
      keepMetadata: boolean;
      encode: { format: 'png' | 'jpeg' | 'webp' | 'avif' | 'gif'; options: Record<string, unknown> };
    };

interface OpenOptions {
  input: string;
  limitInputPixels: number;
  animated: boolean;
}

export interface ImageMetadata {
  width?: number;
  height?: number;
  pageHeight?: number;
}

type Reply = { id: number } & ({ ok: true; result: ImageMetadata } | { ok: false; message: string });

/** sharp's own message for a job it refused (a corrupt file): image.ts words it for the user. */
export class ImageJobError extends Error {}

interface Running {
  id: number;
  settle: (reply: Reply | { died: string }) => void;
}

export class ImageProcesses {
  private live = new Set<ChildProcess>();
  private idle: ChildProcess[] = [];
  private running = new Map<ChildProcess, Running>();
  private waiting: ((child: ChildProcess) => void)[] = [];
  private nextId = 1;

  constructor(readonly size = Math.max(1, availableParallelism())) {}

  /** Runs `job` in a process; killed past `timeoutMs` (a Timeout) or when `signal` aborts (Cancelled). */
  async run(job: ImageJob, timeoutMs: number, signal: AbortSignal): Promise<ImageMetadata> {
    if (signal.aborted) throw new ConversionError('Cancelled', 'the conversion was cancelled');
    const child = await this.acquire();
    const id = this.nextId++;
    return new Promise<ImageMetadata>((resolve, reject) => {
      let done = false;
      const finish = (outcome: Reply | { died: string } | ConversionError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', cancel);
        this.running.delete(child);
        if (outcome instanceof ConversionError || 'died' in outcome) {
          child.kill('SIGKILL');
          this.replace(child);
          reject(
            outcome instanceof ConversionError
              ? outcome
              : new ConversionError('EngineFailed', `the image engine's process died (${outcome.died})`),
          );
          return;
        }
        this.release(child);
        if (outcome.ok) resolve(outcome.result);
        else reject(new ImageJobError(outcome.message));
      };
      const timer = setTimeout(
        () =>
          finish(new ConversionError('Timeout', `the image engine timed out after ${Math.round(timeoutMs / 1000)} s`)),
        timeoutMs,
      );
      const cancel = () => finish(new ConversionError('Cancelled', 'the conversion was cancelled'));
      signal.addEventListener('abort', cancel, { once: true });
      this.running.set(child, { id, settle: finish });
      // Waiting for its answer keeps a command-line caller (the agent, the benchmark) alive.
      child.channel?.ref();
      child.send({ ...job, id });
    });
  }

  /** The ids of the processes running a job (tests kill one to see a crash fail only its conversion). */
  busyPids(): number[] {
    return [...this.running.keys()].map((c) => c.pid ?? 0);
  }

  close(): void {
    for (const child of this.live) child.kill('SIGKILL');
    this.live.clear();
    this.idle = [];
  }

  private async acquire(): Promise<ChildProcess> {
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.live.size < this.size) return this.start();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private start(): ChildProcess {
    // No inherited --inspect or loader flags: the process runs plain JavaScript. (The Next bundler is told not to
    // resolve the file: it is run, not bundled.)
    const child = fork(/*turbopackIgnore: true*/ processFile(), [], {
      execArgv: [],
      serialization: 'json',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500)));
    child.on('message', (reply: Reply) => {
      const job = this.running.get(child);
      if (job && job.id === reply.id) job.settle(reply);
    });
    child.on('exit', (code, sig) => {
      const job = this.running.get(child);
      const how = sig ? `signal ${sig}` : `exit code ${code}`;
      job?.settle({ died: stderr.trim() ? `${how}: ${stderr.trim().split('\n').at(-1)}` : how });
      this.idle = this.idle.filter((c) => c !== child);
      this.live.delete(child);
    });
    child.on('error', () => undefined); // an exit follows
    // An idle process must not keep the server (or a test) alive.
    child.unref();
    child.channel?.unref();
    this.live.add(child);
    return child;
  }

  private release(child: ChildProcess) {
    const next = this.waiting.shift();
    if (next) return next(child);
    this.idle.push(child);
    child.channel?.unref();
  }

  /** A killed process's place goes to a new one if someone is waiting for it. */
  private replace(dead: ChildProcess) {
    this.idle = this.idle.filter((c) => c !== dead);
    this.live.delete(dead);
    const next = this.waiting.shift();
    if (next) next(this.start());
  }
}

/** The process-wide pool (route handlers and the server are separate bundles). */
export const imageProcesses = (): ImageProcesses =>
  processGlobal('convert.image-processes', () => new ImageProcesses());
