import type { Logger } from 'pino';
import type { KubeObject } from '../apimachinery/meta.ts';
import type { EventType } from '../apiserver/events.ts';
import type { NodeBackend, NodeObject, PodEvent, PodObject } from './backend.ts';
import { readNdjson } from '../apimachinery/ndjson.ts';
import type { ImageMark } from './runtime/registry.ts';

// The standalone node agent's view of the cluster, over the HTTP API like a
// kubelet: an informer (list + watch, resumed from the last resourceVersion,
// relisted on 410) for pods, and merge patches for status, nodes and leases.

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface HttpBackend extends NodeBackend {
  /** The admins' image marks (missing / unauthorized), which this agent's registry applies. */
  imageMarks(): Promise<Record<string, ImageMark>>;
  close(): void;
}

const key = (pod: PodObject) => `${pod.metadata.namespace}/${pod.metadata.name}`;

type PodList = { items: PodObject[]; metadata: { resourceVersion: string } };

/** One line of a pod watch; an ERROR line carries a Status instead of a pod. */
type WatchLine =
  | { type: PodEvent['type']; object: PodObject }
  | { type: 'BOOKMARK'; object?: { metadata?: { resourceVersion?: string } } }
  | { type: 'ERROR'; object?: { code?: number; message?: string; metadata?: undefined } };

export async function httpBackend(server: string, token: string, log: Logger): Promise<HttpBackend> {
  const base = server.replace(/\/$/, '');
  // Answers are JSON the caller knows the shape of (by path); errors are Status objects.
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<unknown> => {
    const res = await fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const data: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const message = (data as { message?: string } | undefined)?.message;
      throw new HttpError(res.status, message ?? `${res.status} ${res.statusText}`);
    }
    return data;
  };
  const patch = (path: string, body: unknown) => call('PATCH', path, body, 'application/merge-patch+json');

  const pods = new Map<string, PodObject>();
  const listeners = new Set<(e: PodEvent) => void>();
  const emit = (e: PodEvent) => {
    for (const l of listeners) l(e);
  };
  let resourceVersion = '';
  let closed = false;
  let controller: AbortController | undefined;

  const relist = async () => {
    const list = (await call('GET', '/api/v1/pods')) as PodList;
    const seen = new Set<string>();
    for (const pod of list.items) {
      seen.add(key(pod));
      const before = pods.get(key(pod));
      pods.set(key(pod), pod);
      if (!before || before.metadata.resourceVersion !== pod.metadata.resourceVersion) {
        emit({ type: before ? 'MODIFIED' : 'ADDED', pod });
      }
    }
    for (const [k, pod] of pods) {
      if (seen.has(k)) continue;
      pods.delete(k);
      emit({ type: 'DELETED', pod });
    }
    resourceVersion = list.metadata.resourceVersion;
  };

  const watchLoop = async () => {
    let delay = 500;
    while (!closed) {
      try {
        controller = new AbortController();
        const res = await fetch(
          `${base}/api/v1/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${resourceVersion}`,
          { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal },
        );
        if (res.status === 410) {
          await relist();
          continue;
        }
        if (!res.ok || !res.body) throw new HttpError(res.status, `watch failed: ${res.status}`);
        delay = 500;
        await readNdjson(res.body, (event: WatchLine) => {
          if (event.type === 'ERROR') {
            throw new HttpError(event.object?.code ?? 500, event.object?.message ?? 'watch error');
          }
          resourceVersion = event.object?.metadata?.resourceVersion ?? resourceVersion;
          if (event.type === 'BOOKMARK') return;
          const pod = event.object;
          if (event.type === 'DELETED') pods.delete(key(pod));
          else pods.set(key(pod), pod);
          emit({ type: event.type, pod });
        });
      } catch (err) {
        if (closed) return;
        if (err instanceof HttpError && err.status === 410) {
          await relist().catch(() => {});
          continue;
        }
        log.warn({ err: (err as Error).message }, `pod watch interrupted; reconnecting in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(30_000, delay * 2);
      }
    }
  };

  await relist();
  void watchLoop();

  // Secrets and ConfigMaps are fetched when a container start asks for them and kept a moment, like kubelet's
  // TTL-based managers: the first ask answers "unknown yet" (the start is retried shortly), later ones the copy.
  const configs = new Map<string, { object: KubeObject | null; at: number }>();
  const fetching = new Set<string>();
  const CONFIG_TTL_MS = 1000;
  const lookupConfig: NonNullable<NodeBackend['lookupConfig']> = (resource, namespace, name) => {
    const id = `${resource}/${namespace}/${name}`;
    const cached = configs.get(id);
    if ((!cached || Date.now() - cached.at > CONFIG_TTL_MS) && !fetching.has(id)) {
      fetching.add(id);
      const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}`;
      call('GET', path)
        .then(
          (object) => configs.set(id, { object: object as KubeObject, at: Date.now() }),
          (err: unknown) => {
            if (err instanceof HttpError && err.status === 404) configs.set(id, { object: null, at: Date.now() });
            else
              log.warn({ err: (err as Error).message, object: id }, 'could not read a config object for a container');
          },
        )
        .finally(() => fetching.delete(id));
    }
    return cached?.object;
  };

  const ns = (pod: PodObject) => {
    const namespace = encodeURIComponent(pod.metadata.namespace ?? '');
    return `/api/v1/namespaces/${namespace}/pods/${encodeURIComponent(pod.metadata.name)}`;
  };
  return {
    getPod: (namespace, name) => pods.get(`${namespace}/${name}`),
    listPods: () => [...pods.values()],
    watchPods: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    upsertNode: async (body) => {
      const name = encodeURIComponent(body.metadata.name);
      try {
        await call('POST', '/api/v1/nodes', body);
      } catch (err) {
        if (!(err instanceof HttpError && err.status === 409)) throw err;
        await patch(`/api/v1/nodes/${name}`, {
          metadata: { labels: body.metadata.labels },
          spec: { podCIDR: body.spec.podCIDR, podCIDRs: body.spec.podCIDRs },
        });
        await patch(`/api/v1/nodes/${name}/status`, { status: body.status });
      }
    },
    getNode: async (name) => {
      try {
        return (await call('GET', `/api/v1/nodes/${encodeURIComponent(name)}`)) as NodeObject;
      } catch (err) {
        if (err instanceof HttpError && err.status === 404) return undefined;
        throw err;
      }
    },
    setNodeStatus: async (name, status) => {
      await patch(`/api/v1/nodes/${encodeURIComponent(name)}/status`, { status });
    },
    renewLease: async (name, renewTime) => {
      const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${encodeURIComponent(name)}`;
      try {
        await patch(path, { spec: { holderIdentity: name, renewTime } });
      } catch (err) {
        if (!(err instanceof HttpError && err.status === 404)) throw err;
        await call('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
          metadata: { name },
          spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime },
        });
      }
    },
    setPodStatus: async (pod, status) => {
      try {
        await patch(`${ns(pod)}/status`, { status });
      } catch (err) {
        if (!(err instanceof HttpError && err.status === 404)) throw err;
      }
    },
    removePod: async (pod) => {
      try {
        await call('DELETE', ns(pod), { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      } catch (err) {
        if (!(err instanceof HttpError && (err.status === 404 || err.status === 409))) throw err;
      }
    },
    lookupConfig,
    recordEvent: (object: KubeObject, type: EventType, reason: string, message: string, host: string) => {
      const namespace = object.metadata.namespace ?? 'default';
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      void call('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, {
        metadata: { generateName: `${object.metadata.name}.` },
        involvedObject: {
          kind: object.kind ?? 'Pod',
          namespace: object.metadata.namespace,
          name: object.metadata.name,
          uid: object.metadata.uid,
          apiVersion: object.apiVersion ?? 'v1',
        },
        reason,
        message,
        type,
        source: { component: 'kubelet', host },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      }).catch(() => {});
    },
    imageMarks: async () => {
      const marks = (await call('GET', '/apis/entroos.io/v1/images/marks')) as {
        items: { image: string; mark: ImageMark }[];
      };
      return Object.fromEntries(marks.items.map((m) => [m.image, m.mark]));
    },
    close: () => {
      closed = true;
      controller?.abort();
    },
  };
}
