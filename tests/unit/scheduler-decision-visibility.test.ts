import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { WatchCache } from '@/lib/store/watch-cache.ts';
import { ObjectApi } from '@/lib/apiserver/object-api.ts';
import { typeByKey } from '@/lib/apimachinery/registry.ts';
import { Scheduler } from '@/lib/scheduler/scheduler.ts';
import { DEFAULT_SCHEDULER_CONFIG } from '@/lib/scheduler/profiles.ts';
import type { EventRecorder } from '@/lib/apiserver/events.ts';
import type { ObjectBatch } from '@/lib/store/objects.ts';
import type { Pod } from '@/lib/apimachinery/generated/kinds.ts';

// A binding is visible to readers as soon as it is in the watch cache, before its commit is durable: the pod's
// decision must already be readable then (a client that sees spec.nodeName asks at once why), and a binding whose
// commit fails must end as an Error decision, counted as one.

const PODS = typeByKey('pods');

async function cluster(persist: (batch: ObjectBatch) => Promise<void>) {
  let gated = false;
  const cache = new WatchCache(
    { objects: [], resourceVersion: 0 },
    { historySize: 1000, persist: (batch) => (gated ? persist(batch) : Promise.resolve()) },
  );
  const api = new ObjectApi(cache);
  await api.create(typeByKey('namespaces'), undefined, { metadata: { name: 'default' } });
  await api.create(typeByKey('nodes'), undefined, {
    metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } },
    status: {
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    },
  });
  await api.create(PODS, 'default', {
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  });
  gated = true;
  const scheduler = new Scheduler({
    api,
    events: { record: () => {} } as unknown as EventRecorder,
    log: pino({ level: 'silent' }),
    config: DEFAULT_SCHEDULER_CONFIG,
  });
  return { api, scheduler };
}

const nodeOf = (api: ObjectApi) => (api.get(PODS, 'default', 'p') as Partial<Pod>).spec?.nodeName;

async function until(check: () => boolean) {
  while (!check()) await new Promise((r) => setImmediate(r));
}

describe('scheduling decisions and the bindings they explain', () => {
  it('are readable as soon as a binding is, before its commit is durable', async () => {
    let release!: () => void;
    const durable = new Promise<void>((r) => (release = r));
    const { api, scheduler } = await cluster(() => durable);
    scheduler.start();
    await until(() => nodeOf(api) === 'n1');
    expect(scheduler.decisions.forPod('default/p')).toMatchObject({ result: 'Scheduled', node: 'n1' });
    release();
    await until(() => scheduler.isIdle() && scheduler.stats.scheduled === 1);
    expect(scheduler.decisions.totals).toEqual({ scheduled: 1, unschedulable: 0, error: 0 });
    scheduler.stop();
  });

  it('become an Error, counted as one, when the binding fails to commit', async () => {
    let fail: ((err: Error) => void) | undefined;
    const { api, scheduler } = await cluster(() => new Promise<void>((_, reject) => (fail = reject)));
    scheduler.start();
    // The binding is visible at once; its group commit starts on the cache's next flush.
    await until(() => nodeOf(api) === 'n1' && fail !== undefined);
    fail!(new Error('disk full'));
    await until(() => scheduler.decisions.forPod('default/p')?.result === 'Error');
    expect(scheduler.decisions.forPod('default/p')?.message).toMatch(/binding to n1 failed/);
    expect(scheduler.decisions.totals).toMatchObject({ scheduled: 0, error: 1 });
    scheduler.stop();
  });
});
