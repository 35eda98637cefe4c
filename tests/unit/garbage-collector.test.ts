import { describe, expect, it } from 'vitest';
import { typeByKey } from '@/lib/apimachinery/registry.ts';
import { inProcessControllers, stoppedAfterEach } from '../helpers/in-process.ts';
import { startGarbageCollector } from '@/lib/controllers/garbage-collector.ts';

// The garbage collector against a real in-process object API. Its periodic pass (run by hand here) looks at every
// object at start, and afterwards only at the objects written since the last pass.

const CONFIGMAPS = typeByKey('configmaps');

const stops = stoppedAfterEach();

async function setup() {
  const { api, ctx } = await inProcessControllers();
  const configMap = async (name: string, owner?: { name: string; uid: string }) =>
    api.create(CONFIGMAPS, 'default', {
      metadata: {
        name,
        namespace: 'default',
        ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', ...owner }] } : {}),
      },
    });
  const exists = (name: string) => !!api.peek(CONFIGMAPS, 'default', name);
  const start = () => {
    const gc = startGarbageCollector(ctx, 3600);
    stops.push(gc.stop);
    return gc;
  };
  return { api, configMap, exists, start };
}

describe('garbage collector', () => {
  it('collects at start the objects whose owners went while it was not running', async () => {
    const { configMap, exists, start } = await setup();
    const owner = await configMap('owner');
    await configMap('kept', { name: 'owner', uid: owner.metadata.uid });
    await configMap('orphan', { name: 'gone', uid: 'no-such-uid' });
    const gc = start();
    await gc.queue.idle();
    expect(exists('orphan')).toBe(false);
    expect(exists('kept')).toBe(true);
  });

  it('collects the dependents of a deleted owner at once, and at the next pass an object written naming an owner that is gone', async () => {
    const { api, configMap, exists, start } = await setup();
    const gc = start();
    const owner = await configMap('owner');
    await configMap('child', { name: 'owner', uid: owner.metadata.uid });
    await api.delete(CONFIGMAPS, 'default', 'owner', {});
    await gc.queue.idle();
    expect(exists('child')).toBe(false);

    // Owner uids that no longer (or never) exist: no owner's deletion will announce these.
    await configMap('late', { name: 'owner', uid: owner.metadata.uid });
    const other = await configMap('other');
    await configMap('stale', { name: 'other', uid: 'an-older-uid' });
    await configMap('fine', { name: 'other', uid: other.metadata.uid });
    gc.resync();
    await gc.queue.idle();
    expect(exists('late')).toBe(false);
    expect(exists('stale')).toBe(false);
    expect(exists('fine')).toBe(true);
  });

  it('looks again at an object rewritten to name an owner that is gone', async () => {
    const { api, configMap, exists, start } = await setup();
    const gc = start();
    const owner = await configMap('owner');
    const child = await configMap('child', { name: 'owner', uid: owner.metadata.uid });
    gc.resync(); // the child's first pass: its owner exists
    await gc.queue.idle();
    expect(exists('child')).toBe(true);
    const next = {
      ...child,
      metadata: { ...child.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'y' }] },
    };
    await api.commit(CONFIGMAPS, next);
    gc.resync();
    await gc.queue.idle();
    expect(exists('child')).toBe(false);
  });
});
