import { resolveImage } from './runtime/image.ts';
import type { ImageRegistry } from './runtime/registry.ts';
import { MAX_BACKOFF_MS, type PodEvents, type SimContainer, type SimNode } from './sim-model.ts';

// Image pulls as a kubelet makes them: through the node's layer cache, at
// the node's bandwidth, and after a failure ErrImagePull, then
// ImagePullBackOff until a retry succeeds (the wait doubles each time).

export interface PullSettings {
  /** The registry pulls go to (admins mark images missing or unauthorized there). */
  registry: ImageRegistry;
  /** Bandwidth (bytes/s) for layers a node has not cached, unless the node has its own. */
  pullBytesPerSecond: number;
  /** The back-off's first wait, shared with CrashLoopBackOff. */
  crashBackoffMs: number;
}

function pullBackoffMs(c: SimContainer, crashBackoffMs: number): number {
  return Math.min(MAX_BACKOFF_MS, crashBackoffMs * 2 ** Math.max(0, c.pullFailures - 1));
}

/**
 * Pulls a container's image as its imagePullPolicy says: Never uses only
 * what the node has; IfNotPresent pulls what is missing; Always asks the
 * registry every time (so a marked image fails even when cached). A failed
 * pull is ErrImagePull, then ImagePullBackOff until a retry succeeds.
 */
export function pullImage(node: SimNode, c: SimContainer, now: number, settings: PullSettings, event: PodEvents) {
  const local = resolveImage(c.image);
  const present = !!local && local.layers.every((l) => node.layers.has(l.digest));
  if (c.pullPolicy === 'Never' || (c.pullPolicy === 'IfNotPresent' && present)) {
    if (!local || !present) {
      const message = `Container image "${c.image}" is not present with pull policy of Never`;
      c.state = { kind: 'waiting', reason: 'ErrImageNeverPull', message };
      event('Warning', 'ErrImageNeverPull', message);
      return;
    }
    c.imageID = `${local.repository}@${local.digest}`;
    event('Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
    return;
  }
  const result = settings.registry.pull(c.image);
  if (!result.ok) {
    c.pullFailures++;
    c.state = { kind: 'waiting', reason: 'ErrImagePull', message: result.message };
    event('Warning', 'Failed', `Failed to pull image "${c.image}": ${result.message}`);
    event('Warning', 'Failed', `Error: ${c.state.reason}`);
    // ErrImagePull shows for half the back-off (at most a second) before ImagePullBackOff.
    c.next = 'backoff';
    c.nextAt = now + Math.min(1000, pullBackoffMs(c, settings.crashBackoffMs) / 2);
    return;
  }
  const { image } = result;
  const missing = image.layers.filter((l) => !node.layers.has(l.digest)).reduce((n, l) => n + l.size, 0);
  c.pullMs = Math.round((missing / (node.pullBytesPerSecond ?? settings.pullBytesPerSecond)) * 1000);
  for (const l of image.layers) node.layers.add(l.digest);
  c.imageID = `${image.repository}@${image.digest}`;
  c.pullFailures = 0;
  event('Normal', 'Pulling', `Pulling image "${c.image}"`);
  const took = (c.pullMs / 1000).toFixed(3);
  event('Normal', 'Pulled', `Successfully pulled image "${c.image}" in ${took}s. Image size: ${image.size} bytes.`);
}

/** After ErrImagePull the kubelet waits, showing ImagePullBackOff, then retries (`pull` comes due). */
export function enterPullBackOff(c: SimContainer, now: number, crashBackoffMs: number, event: PodEvents) {
  c.state = { kind: 'waiting', reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` };
  event('Normal', 'BackOff', `Back-off pulling image "${c.image}"`);
  const backoff = pullBackoffMs(c, crashBackoffMs);
  c.next = 'pull';
  c.nextAt = now + backoff - Math.min(1000, backoff / 2);
}
