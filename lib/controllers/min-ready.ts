import { isReady, isTerminating } from './pods.ts';
import type { Pod } from '../apimachinery/generated/kinds.ts';
import type { ObjectView } from '../apimachinery/object.ts';

// Availability turns true by the clock (minReadySeconds after Ready), not by any write, so no watch event
// announces it: a controller counting available pods asks again when the first of them comes due.

/** Milliseconds until the next ready pod becomes available, or undefined when none is waiting. */
export function nextAvailableIn(
  pods: ObjectView<Pod>[],
  minReadySeconds: number | undefined,
  now = Date.now(),
): number | undefined {
  if (!minReadySeconds) return undefined;
  let soonest: number | undefined;
  for (const pod of pods) {
    if (isTerminating(pod) || !isReady(pod)) continue;
    const ready = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
    const due = Date.parse(String(ready?.lastTransitionTime ?? 0)) + minReadySeconds * 1000 - now;
    if (due > 0 && (soonest === undefined || due < soonest)) soonest = due;
  }
  return soonest === undefined ? undefined : soonest + 50;
}
