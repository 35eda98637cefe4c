import type { ControllerContext } from './context.ts';
import { WorkQueue } from './queue.ts';
import type { Endpoints, EndpointSubset, Pod, Service } from '../apimachinery/generated/kinds.ts';
import { clone } from '../apimachinery/meta.ts';
import type { Stored, StoredWithSpec } from '../apimachinery/object.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { selectorFromObject } from '../apimachinery/selectors.ts';
import { isReady, isTerminating } from './pods.ts';

// Keeps an Endpoints object per Service with a selector: the IPs of matching
// pods, ready ones as addresses and the others as notReadyAddresses.

const SERVICES = typeByKey('services');
const ENDPOINTS = typeByKey('endpoints');
const PODS = typeByKey('pods');

export function startEndpointsController(ctx: ControllerContext) {
  const { api, log } = ctx;
  const queue = new WorkQueue(reconcile, (key, err) => log.warn({ err, key }, 'endpoints reconcile failed'));
  const start = api.cache.resourceVersion;
  for (const s of api.cache.list(SERVICES.key).items) queue.add(`${s.metadata.namespace}/${s.metadata.name}`);
  const unsubscribeSvc = api.cache.watch({ resource: SERVICES.key }, start, (e) =>
    queue.add(`${e.object.metadata.namespace}/${e.object.metadata.name}`),
  );
  const unsubscribePods = api.cache.watch({ resource: PODS.key }, start, (e) => {
    const ns = e.object.metadata.namespace;
    for (const s of api.cache.list(SERVICES.key, ns).items as StoredWithSpec<Service>[]) {
      if (!s.spec?.selector) continue;
      const matches = selectorFromObject({ matchLabels: s.spec.selector });
      if (
        matches(e.object.metadata.labels as Record<string, string>) ||
        (e.previous && matches(e.previous.metadata.labels as Record<string, string>))
      )
        queue.add(`${ns}/${s.metadata.name}`);
    }
  });

  async function reconcile(key: string) {
    const [namespace, name] = key.split('/');
    const svc = api.peek(SERVICES, namespace, name) as StoredWithSpec<Service> | undefined;
    const existing = api.peek(ENDPOINTS, namespace, name) as Stored<Endpoints> | undefined;
    if (!svc) {
      if (existing && existing.metadata.labels?.['endpoints.entroos.io/managed'] === 'true')
        await api.remove(ENDPOINTS, existing);
      return;
    }
    if (!svc.spec?.selector) return; // selector-less services manage their own endpoints
    const matches = selectorFromObject({ matchLabels: svc.spec.selector });
    const pods = (api.cache.list(PODS.key, namespace).items as StoredWithSpec<Pod>[]).filter(
      (p) => matches(p.metadata.labels) && p.status?.podIP && !isTerminating(p),
    );
    // Every pod here has an IP (the filter above).
    const address = (p: StoredWithSpec<Pod>) => ({
      ip: p.status?.podIP as string,
      nodeName: p.spec.nodeName,
      targetRef: { kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid },
    });
    const ready = pods.filter(isReady).map(address);
    const notReady = pods.filter((p) => !isReady(p)).map(address);
    const ports = (svc.spec.ports ?? []).map((port) => ({
      ...(port.name ? { name: port.name } : {}),
      port: resolveTargetPort(port.targetPort ?? port.port, pods[0]),
      protocol: port.protocol ?? 'TCP',
    }));
    const subsets: EndpointSubset[] =
      ready.length || notReady.length
        ? [
            {
              ...(ready.length ? { addresses: ready } : {}),
              ...(notReady.length ? { notReadyAddresses: notReady } : {}),
              ports,
            },
          ]
        : [];
    if (existing && JSON.stringify(existing.subsets ?? []) === JSON.stringify(subsets)) return;
    if (!existing) {
      await api.create(ENDPOINTS, namespace, {
        metadata: { name, namespace, labels: { ...svc.metadata.labels, 'endpoints.entroos.io/managed': 'true' } },
        subsets,
      });
      return;
    }
    const next = clone(existing);
    next.subsets = subsets;
    await api.commit(ENDPOINTS, next);
  }

  return {
    queue,
    stop: () => {
      queue.stop();
      unsubscribeSvc();
      unsubscribePods();
    },
  };
}

function resolveTargetPort(target: unknown, pod: StoredWithSpec<Pod> | undefined): number {
  if (typeof target === 'number') return target;
  for (const c of pod?.spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.name === target) return p.containerPort;
  return Number(target) || 0;
}
