import { describe, expect, it } from 'vitest';
import { SchedulingQueue } from '@/lib/scheduler/queue.ts';
import type { SchedulingPod } from '@/lib/scheduler/types.ts';

const pod = (name: string, priority: number, created: string): SchedulingPod =>
  ({
    metadata: { name, namespace: 'default', uid: name, resourceVersion: '1', creationTimestamp: created },
    spec: { priority, containers: [{ name: 'c', image: 'nginx:1.27' }] },
  }) as SchedulingPod;

describe('scheduling queue', () => {
  it('pops by priority then age, and skips a pod deleted while queued (even when it is not on top)', () => {
    const queue = new SchedulingQueue();
    queue.add('default/a', pod('a', 0, '2026-01-01T00:00:01Z'));
    queue.add('default/b', pod('b', 10, '2026-01-01T00:00:02Z'));
    queue.add('default/c', pod('c', 0, '2026-01-01T00:00:00Z'));
    queue.add('default/d', pod('d', 5, '2026-01-01T00:00:03Z'));
    queue.delete('default/d');
    const order: string[] = [];
    for (let item = queue.pop(); item; item = queue.pop()) order.push(item.pod.metadata.name);
    expect(order).toEqual(['b', 'c', 'a']);
    expect(queue.has('default/d')).toBe(false);
  });
});
