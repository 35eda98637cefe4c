import { afterEach } from 'vitest';
import pino from 'pino';
import { WatchCache } from '@/lib/store/watch-cache.ts';
import { ObjectApi } from '@/lib/apiserver/object-api.ts';
import { EventRecorder } from '@/lib/apiserver/events.ts';
import { typeByKey } from '@/lib/apimachinery/registry.ts';
import { controllerContext } from '@/lib/controllers/context.ts';

/**
 * A real object API over an in-memory watch cache (commits succeed at once), with the default namespace, an event
 * recorder that never throttles, and a controller context over them: for testing a controller without a server.
 */
export async function inProcessControllers() {
  const api = new ObjectApi(
    new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 1000, persist: async () => {} }),
  );
  await api.create(typeByKey('namespaces'), undefined, { metadata: { name: 'default' } });
  const events = new EventRecorder(api, () => {}, { qps: 1000, burst: 1000 });
  const ctx = controllerContext(api, events, pino({ level: 'silent' }));
  return { api, events, ctx };
}

/** A list to push stop functions on; each test's are called after it. Call at a test file's top level. */
export function stoppedAfterEach(): (() => void)[] {
  const stops: (() => void)[] = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });
  return stops;
}
