import type { ImageRegistry } from './runtime/registry.ts';
import type { ContainerExecutor } from './executor.ts';

// How a fleet's simulation is tuned; the server takes these from its config,
// the standalone agent from its flags.

export interface FleetOptions {
  leaseSeconds: number;
  /** CrashLoopBackOff starts here and doubles up to 5 minutes (10 s in Kubernetes). */
  crashBackoffMs: number;
  /** Image pull bandwidth (bytes/s) for layers a node has not cached. */
  pullBytesPerSecond: number;
  /** Seeds every simulated draw (crashes from fail-rate), so a run replays the same way. */
  seed: number;
  /** The registry pulls go to (admins mark images missing or unauthorized there). */
  registry: ImageRegistry;
  /** What runs the containers of some images for real instead of simulating them (see executor.ts). */
  executors?: readonly ContainerExecutor[];
}

export const DEFAULT_FLEET_OPTIONS: Omit<FleetOptions, 'registry'> = {
  leaseSeconds: 10,
  crashBackoffMs: 10_000,
  pullBytesPerSecond: 1024 * 2 ** 20,
  seed: 1,
};
