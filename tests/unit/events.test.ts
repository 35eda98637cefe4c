import { describe, expect, it } from 'vitest';
import { WatchCache } from '@/lib/store/watch-cache.ts';
import { ObjectApi } from '@/lib/apiserver/object-api.ts';
import { EventRecorder } from '@/lib/apiserver/events.ts';
import { typeByKey } from '@/lib/apimachinery/registry.ts';

async function setup(budget: { qps: number; burst: number }) {
  const api = new ObjectApi(
    new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 100, persist: async () => {} }),
  );
  await api.create(typeByKey('namespaces'), undefined, { metadata: { name: 'default' } });
  const pod = await api.create(typeByKey('pods'), 'default', {
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  });
  return { api, pod, recorder: new EventRecorder(api, () => {}, budget) };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('EventRecorder', () => {
  it('folds repeats of one event into a count', async () => {
    const { api, pod, recorder } = await setup({ qps: 100, burst: 100 });
    recorder.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await settle();
    recorder.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await settle();
    const events = api.list(typeByKey('events'), 'default').items as any[];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reason: 'BackOff', count: 2, involvedObject: { kind: 'Pod', name: 'p' } });
  });

  it('drops events past its budget instead of slowing the cluster', async () => {
    const { api, pod, recorder } = await setup({ qps: 1, burst: 5 });
    for (let i = 0; i < 20; i++) recorder.record(pod, 'Normal', 'Test', `event ${i}`);
    await settle();
    expect(api.list(typeByKey('events'), 'default').items).toHaveLength(5);
    expect(recorder.dropped).toBe(15);
  });
});
