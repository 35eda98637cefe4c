import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import type { Groth16Proof } from 'snarkjs';
import type { CircuitArtifacts, CircuitName } from './artifacts.ts';

// Beside this module (the sources, or the standalone build, which copies it next to its bundle), else where the
// sources keep it (server.ts bundled at the root of a checkout, as the tests run it).
function workerFile(): URL {
  const beside = new URL('./prover-worker.mjs', import.meta.url);
  return existsSync(beside) ? beside : new URL('./lib/proofs/prover-worker.mjs', import.meta.url);
}

export interface ProveResult {
  proof: Groth16Proof;
  publicSignals: string[];
  ms: number;
}

export class ProveError extends Error {
  constructor(
    message: string,
    readonly circuit: string,
  ) {
    super(message);
    this.name = 'ProveError';
  }
}

/** What prover-worker.mjs posts back for a job. */
type WorkerReply = { id: number; ms: number } & (
  { ok: true; proof: Groth16Proof; publicSignals: string[] } | { ok: false; error?: string }
);

interface Job {
  id: number;
  circuit: CircuitName;
  input: Record<string, unknown>;
  resolve: (r: ProveResult) => void;
  reject: (e: Error) => void;
}

/**
 * worker_threads running snarkjs, one proof at a time each. Jobs wait in a
 * FIFO; callers see how deep it is and decide what to submit (the proof
 * service keeps bindings waiting in its own bounded queue instead).
 */
export class ProverPool {
  private idle: Worker[] = [];
  private waiting: Job[] = [];
  private running = new Map<Worker, Job>();
  private nextId = 1;
  private closed = false;
  readonly size: number;

  constructor(circuits: Record<CircuitName, CircuitArtifacts>, size = availableParallelism()) {
    this.size = Math.max(1, size);
    const workerData = {
      circuits: Object.fromEntries(
        Object.entries(circuits).map(([name, a]) => [name, { wasmPath: a.wasmPath, zkeyPath: a.zkeyPath }]),
      ),
      // ffjavascript's web-worker shim believes every worker thread is one of
      // its own and loads `mod` from workerData: give it an empty module.
      mod: 'data:text/javascript,',
      type: 'module',
      name: 'entroos-prover',
    };
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(workerFile(), { workerData });
      worker.on('message', (message: WorkerReply) => {
        const job = this.running.get(worker);
        this.running.delete(worker);
        if (job && job.id === message.id) {
          if (message.ok) job.resolve({ proof: message.proof, publicSignals: message.publicSignals, ms: message.ms });
          else job.reject(new ProveError(message.error ?? 'proving failed', job.circuit));
        }
        this.release(worker);
      });
      worker.on('error', (err) => {
        const job = this.running.get(worker);
        this.running.delete(worker);
        job?.reject(new ProveError(`the prover thread crashed: ${err.message}`, job.circuit));
      });
      worker.unref();
      this.idle.push(worker);
    }
  }

  /** Jobs waiting for a thread. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Jobs being proved right now. */
  get busy(): number {
    return this.running.size;
  }

  prove(circuit: CircuitName, input: Record<string, unknown>): Promise<ProveResult> {
    if (this.closed) return Promise.reject(new ProveError('the prover pool is closed', circuit));
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, circuit, input, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) job.reject(new ProveError('the prover pool is closed', job.circuit));
    await Promise.all([...this.idle, ...this.running.keys()].map((w) => w.terminate()));
  }

  private release(worker: Worker) {
    this.idle.push(worker);
    this.dispatch();
  }

  private dispatch() {
    while (this.idle.length && this.waiting.length) {
      const worker = this.idle.pop();
      const job = this.waiting.shift();
      if (!worker || !job) return; // (both lists are non-empty: the loop's condition)
      this.running.set(worker, job);
      worker.postMessage({ id: job.id, circuit: job.circuit, input: job.input });
    }
  }
}
