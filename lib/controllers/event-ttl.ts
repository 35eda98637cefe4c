import type { ControllerContext } from './context.ts';
import type { Event } from '../apimachinery/generated/kinds.ts';
import type { Stored } from '../apimachinery/object.ts';
import { typeByKey } from '../apimachinery/registry.ts';

// Events expire like Kubernetes' (--event-ttl, 1 h by default): a sweep
// deletes those whose last occurrence is older than the TTL.

const EVENTS = typeByKey('events');

export function startEventTtlController(ctx: ControllerContext, ttlSeconds: number) {
  const { api, log } = ctx;
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const cutoff = Date.now() - ttlSeconds * 1000;
      for (const e of api.cache.list(EVENTS.key).items as Stored<Event>[]) {
        const last = Date.parse(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '');
        if (last < cutoff) await api.remove(EVENTS, e).catch(() => {});
      }
    } catch (err) {
      log.warn({ err }, 'event expiry sweep failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), Math.min(60_000, Math.max(1000, (ttlSeconds * 1000) / 10)));
  timer.unref();
  return { stop: () => clearInterval(timer), sweep };
}
