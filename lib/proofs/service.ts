import '#server-only';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DecisionDetail } from '../scheduler/decisions.ts';
import type { EventBus } from '../router/bus.ts';
import type { Store, StoredProof } from '../store/index.ts';
import type { CircuitArtifacts, CircuitName } from './artifacts.ts';
import { proofMetrics } from './metrics.ts';
import { CURRENT_PLACEMENT } from './placement-checks.ts';
import {
  batchInput,
  BATCH_SIZE,
  bindingIdFor,
  placementWitness,
  slotSignals,
  type PlacementWitness,
} from './placement.ts';
import { ProveError, ProverPool, type ProveResult } from './pool.ts';

interface Pending {
  witness: PlacementWitness;
  podUid: string;
  namespace: string;
  name: string;
  node: string;
}

export interface ProofServiceOptions {
  /** Prover threads. */
  provers: number;
  /** How long a partial batch waits for more bindings. */
  batchMs: number;
  /** Bindings that may wait; beyond it new ones are skipped (and counted), never blocking the scheduler. */
  maxQueued?: number;
}

/**
 * Proves every binding the scheduler makes. Bindings queue here (the
 * scheduler never waits), are grouped up to K = 16 or batchMs, and proved with
 * placement_batch_v2 (a lone binding with placement_v2). Proofs are stored, then
 * announced on the bus; a batch that cannot be proved is retried one binding
 * at a time, so only the bad placement fails.
 */
export class ProofService {
  private queue: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private pool: ProverPool;
  private inflight = 0;
  private metrics = proofMetrics();
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private circuits: Record<CircuitName, CircuitArtifacts>,
    private store: Store,
    private bus: EventBus,
    private log: Logger,
    private options: ProofServiceOptions,
  ) {
    this.pool = new ProverPool(circuits, options.provers);
  }

  get queued(): number {
    return this.queue.length;
  }

  /** The scheduler's decision hook: queue a bound pod for proving. */
  onDecision(decision: DecisionDetail): void {
    if (this.stopped || decision.result !== 'Scheduled' || !decision.placement || !decision.node) return;
    if (this.queue.length >= (this.options.maxQueued ?? 200_000)) {
      this.metrics.proved.inc({ result: 'skipped' });
      return;
    }
    const [namespace, name] = decision.pod.split('/');
    const bindingId = bindingIdFor(decision.uid, decision.node, decision.at);
    this.queue.push({
      witness: placementWitness(decision.placement, bindingId, undefined, { commit: false }),
      podUid: decision.uid,
      namespace,
      name,
      node: decision.node,
    });
    this.metrics.queued.set(this.queue.length);
    this.pump();
  }

  /** An application's statement (lib/proofs/prover.ts), proved by the same threads in turn with the placements. */
  proveStatement(circuit: CircuitName, input: Record<string, unknown>): Promise<ProveResult> {
    if (this.stopped) return Promise.reject(new ProveError('the proof service is stopping', circuit));
    return this.pool.prove(circuit, input);
  }

  /** Resolves once every queued binding has been proved (or failed). */
  idle(): Promise<void> {
    if (!this.queue.length && !this.inflight) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pool.close();
  }

  private pump() {
    // Keep each thread busy with one batch and one more ready; the rest waits here.
    while (this.inflight < this.pool.size * 2 && this.queue.length >= BATCH_SIZE)
      this.launch(this.queue.splice(0, BATCH_SIZE));
    if (this.queue.length && this.inflight < this.pool.size * 2) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        if (this.queue.length && this.inflight < this.pool.size * 2) this.launch(this.queue.splice(0, BATCH_SIZE));
        this.pump();
      }, this.options.batchMs);
    }
    this.metrics.queued.set(this.queue.length);
    if (!this.queue.length && !this.inflight) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private launch(slots: Pending[]) {
    this.inflight++;
    void this.prove(slots).finally(() => {
      this.inflight--;
      this.pump();
    });
  }

  private async prove(all: Pending[]): Promise<void> {
    // The version 2 circuits leave freePods >= 1 to the verifiers: a binding to a node without a free pod slot would
    // be proved and then rejected by every verifier, so it fails here, as it did when the circuit refused it.
    const slots = all.filter((s) => s.witness.freePods !== '0');
    for (const s of all) if (s.witness.freePods === '0') this.failed(s, 'the node had no free pod slot');
    if (!slots.length) return;
    const lone = slots.length === 1;
    const circuit: CircuitName = lone ? CURRENT_PLACEMENT.single : CURRENT_PLACEMENT.batch;
    const input = lone ? { ...slots[0].witness } : batchInput(slots.map((s) => s.witness));
    try {
      const result = await this.pool.prove(circuit, input);
      const id = randomUUID();
      const proof: Omit<StoredProof, 'createdAt' | 'verifiedAt'> = {
        id,
        circuit,
        vkeyId: this.circuits[circuit].vkeyId,
        publicSignals: JSON.stringify(result.publicSignals),
        proof: JSON.stringify(result.proof),
        proveMs: Math.round(result.ms),
        status: 'proved',
      };
      // The prover thread computed the commitments; they are public signals of the proof.
      const commitmentOf = (slot: number) => slotSignals(result.publicSignals, slot).commitment;
      await this.store.proofs.save(
        proof,
        slots.map((s, slot) => ({
          bindingId: s.witness.bindingId,
          slot,
          podUid: s.podUid,
          namespace: s.namespace,
          name: s.name,
          node: s.node,
          commitment: commitmentOf(slot),
          cpu: s.witness.cpu,
          memory: s.witness.memory,
          salt: s.witness.salt,
        })),
      );
      this.metrics.proofs.inc({ circuit });
      this.metrics.proveSeconds.observe({ circuit }, result.ms / 1000);
      this.metrics.proved.inc({ result: 'proved' }, slots.length);
      for (const s of slots)
        this.bus.publish('proof.ready', { id, namespace: s.namespace, name: s.name, node: s.node });
    } catch (err) {
      if (this.stopped) return;
      if (slots.length > 1) {
        // One bad placement must not cost the others their proofs.
        await Promise.all(slots.map((s) => this.prove([s])));
        return;
      }
      this.failed(slots[0], (err as Error).message);
    }
  }

  private failed(s: Pending, reason: string) {
    const message = `no placement proof for ${s.namespace}/${s.name} on ${s.node}: ${reason} (free capacity ${s.witness.freeCpu}m cpu / ${s.witness.freeMemory} B memory / ${s.witness.freePods} pods)`;
    this.log.warn({ pod: `${s.namespace}/${s.name}`, node: s.node }, message);
    this.metrics.proved.inc({ result: 'failed' });
    this.bus.publish('proof.failed', { namespace: s.namespace, name: s.name, node: s.node, message });
  }
}
