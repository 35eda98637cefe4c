import { z } from 'zod';
import type { Logger } from 'pino';
import type { EventBus } from '../router/bus.ts';
import { stream } from './runtime/random.ts';
import type { NodeFleet } from './fleet.ts';
import type { Store } from '../store/index.ts';

// Chaos mode: faults at a given rate, drawn from a seeded stream so the same
// seed replays the same sequence of (fault, target) choices against the same
// cluster. Node faults heal after `faultSeconds`; at most `maxNodeFraction`
// of the nodes are faulted at once so the cluster keeps room to reschedule.

export const CHAOS_FAULTS = ['kill-node', 'partition-node', 'slow-pulls', 'fail-container', 'oom-container'] as const;
export type ChaosFault = (typeof CHAOS_FAULTS)[number];

export const chaosSpecSchema = z
  .object({
    seed: z
      .number({ error: 'seed must be a whole number' })
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    ratePerMinute: z
      .number({ error: 'ratePerMinute must be a number' })
      .positive('ratePerMinute must be above 0')
      .max(600, 'at most 600 faults per minute'),
    faults: z
      .array(z.enum(CHAOS_FAULTS, { error: `each fault must be one of ${CHAOS_FAULTS.join(', ')}` }))
      .min(1, 'pick at least one fault')
      .default([...CHAOS_FAULTS]),
    faultSeconds: z.number().positive().max(3600).default(30),
    maxNodeFraction: z.number().gt(0).max(1).default(0.25),
  })
  .strict();
export type ChaosSpec = z.infer<typeof chaosSpecSchema>;

export interface ChaosInjection {
  at: string;
  fault: ChaosFault;
  target: string;
  healedAt?: string;
}

export interface ChaosStatus {
  kind: 'ChaosStatus';
  apiVersion: 'entroos.io/v1';
  running: boolean;
  spec?: ChaosSpec & { seed: number };
  injected: number;
  skipped: number;
  recent: ChaosInjection[];
}

const RECENT = 50;
const SLOW_PULL_BYTES_PER_SECOND = 2 * 2 ** 20;

export class ChaosMonkey {
  private spec: (ChaosSpec & { seed: number }) | undefined;
  private next: () => number = Math.random;
  private timer: NodeJS.Timeout | undefined;
  private heals = new Set<NodeJS.Timeout>();
  /** Nodes currently faulted, and how to heal each. */
  private faulted = new Map<string, () => void>();
  private injected = 0;
  private skipped = 0;
  private recent: ChaosInjection[] = [];

  constructor(
    private fleet: NodeFleet,
    private bus: EventBus,
    private log: Logger,
    private defaultSeed: number,
  ) {}

  start(spec: ChaosSpec) {
    this.stop();
    this.spec = { ...spec, seed: spec.seed ?? this.defaultSeed };
    this.next = stream(this.spec.seed);
    this.injected = 0;
    this.skipped = 0;
    this.recent = [];
    this.log.info({ chaos: this.spec }, 'chaos mode started');
    this.arm();
  }

  /** Stops injecting and heals every node fault it made. */
  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const t of this.heals) clearTimeout(t);
    this.heals.clear();
    for (const heal of this.faulted.values()) heal();
    this.faulted.clear();
    if (this.spec) this.log.info('chaos mode stopped');
    this.spec = undefined;
  }

  status(): ChaosStatus {
    return {
      kind: 'ChaosStatus',
      apiVersion: 'entroos.io/v1',
      running: !!this.spec,
      ...(this.spec ? { spec: this.spec } : {}),
      injected: this.injected,
      skipped: this.skipped,
      recent: [...this.recent].reverse(),
    };
  }

  /** Arrivals are a Poisson process: exponential gaps with mean 60/rate seconds. */
  private arm() {
    if (!this.spec) return;
    const gapMs = (-Math.log(1 - this.next()) / this.spec.ratePerMinute) * 60_000;
    this.timer = setTimeout(() => {
      this.inject();
      this.arm();
    }, gapMs);
    this.timer.unref();
  }

  private pick<T>(items: T[]): T | undefined {
    const u = this.next();
    return items.length ? items[Math.floor(u * items.length)] : undefined;
  }

  private inject() {
    const spec = this.spec;
    const fault = spec && this.pick(spec.faults);
    if (!spec || !fault) return;
    const target = fault.endsWith('-container') ? this.injectContainer(fault) : this.injectNode(fault, spec);
    if (!target) {
      this.skipped++;
      return;
    }
    this.injected++;
    const record: ChaosInjection = { at: new Date().toISOString(), fault, target };
    this.recent.push(record);
    if (this.recent.length > RECENT) this.recent.shift();
    this.log.info({ fault, target }, 'chaos: fault injected');
  }

  private injectContainer(fault: ChaosFault): string | undefined {
    const target = this.pick(this.fleet.runningContainers());
    if (!target) return undefined;
    this.fleet.failContainer(
      target.namespace,
      target.pod,
      target.container,
      fault === 'oom-container' ? 'oom' : 'fail',
    );
    return `${target.namespace}/${target.pod}/${target.container}`;
  }

  private injectNode(fault: ChaosFault, spec: ChaosSpec): string | undefined {
    const all = this.fleet.nodeNames();
    const healthy = all.filter((n) => !this.faulted.has(n) && this.fleet.runs(n));
    const target = this.pick(healthy);
    if (!target || this.faulted.size + 1 > Math.max(1, Math.floor(all.length * spec.maxNodeFraction))) return undefined;
    const [inject, heal, name] =
      fault === 'kill-node'
        ? [
            () => this.fleet.setHeartbeats(target, false),
            () => this.fleet.setHeartbeats(target, true),
            'stop-heartbeats',
          ]
        : fault === 'partition-node'
          ? [() => this.fleet.setPartitioned(target, true), () => this.fleet.setPartitioned(target, false), 'partition']
          : [
              () => this.fleet.setPullBandwidth(target, SLOW_PULL_BYTES_PER_SECOND),
              () => this.fleet.setPullBandwidth(target, undefined),
              'slow-pulls',
            ];
    inject();
    this.bus.publish('node.fault', { node: target, fault: name, action: 'inject' });
    const healNow = () => {
      heal();
      this.faulted.delete(target);
      this.bus.publish('node.fault', { node: target, fault: name, action: 'heal' });
      const record = this.recent.find((r) => r.target === target && !r.healedAt);
      if (record) record.healedAt = new Date().toISOString();
    };
    this.faulted.set(target, healNow);
    const timer = setTimeout(() => {
      this.heals.delete(timer);
      healNow();
    }, spec.faultSeconds * 1000);
    timer.unref();
    this.heals.add(timer);
    return target;
  }
}

const SETTING = 'chaos.spec';

/** Starts chaos mode and remembers it, so a restarted (or newly elected) leader resumes it. */
export async function startChaos(store: Store, chaos: ChaosMonkey, spec: ChaosSpec): Promise<ChaosStatus> {
  chaos.start(spec);
  await store.settings.set(SETTING, JSON.stringify(chaos.status().spec));
  return chaos.status();
}

export async function stopChaos(store: Store, chaos: ChaosMonkey): Promise<ChaosStatus> {
  chaos.stop();
  await store.settings.delete(SETTING);
  return chaos.status();
}

/** Resumes a saved chaos mode (at leader start). */
export async function resumeChaos(store: Store, chaos: ChaosMonkey, log: Logger) {
  const saved = await store.settings.get(SETTING);
  if (!saved) return;
  const parsed = chaosSpecSchema.safeParse(JSON.parse(saved));
  if (parsed.success) chaos.start(parsed.data);
  else log.warn({ issues: parsed.error.issues }, 'ignoring a saved chaos spec that no longer validates');
}
