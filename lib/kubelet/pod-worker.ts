import { timestamp } from '../apimachinery/meta.ts';
import { exitContainer, startContainer, startNext, type LifecycleSettings } from './container-lifecycle.ts';
import { enterPullBackOff, pullImage, type PullSettings } from './image-pull.ts';
import { updateReadiness } from './prober.ts';
import type { PodEvents, SimPod } from './sim-model.ts';

// The kubelet's pod worker for one pod: when the wheel wakes it, each
// container takes the transition that has come due.

/** Moves a pod's containers along their lifecycle; `changed` is told of every change to report. */
export function syncContainers(
  sim: SimPod,
  now: number,
  settings: PullSettings & LifecycleSettings,
  event: PodEvents,
  changed: () => void,
) {
  for (const c of sim.containers) {
    if (updateReadiness(c, now, event)) changed();
    if (c.nextAt === undefined || now < c.nextAt) continue;
    const at = timestamp(new Date(now));
    switch (c.next) {
      case 'start':
      case 'restart':
        startContainer(sim, c, now, at, settings, event);
        break;
      case 'exit':
        exitContainer(sim, c, now, at, settings, event);
        break;
      case 'backoff':
        enterPullBackOff(c, now, settings.crashBackoffMs, event);
        break;
      case 'pull':
        c.next = undefined;
        c.nextAt = undefined;
        pullImage(sim.node, c, now, settings, event);
        if (c.imageID) startNext(sim, now);
        break;
    }
    changed();
  }
}
