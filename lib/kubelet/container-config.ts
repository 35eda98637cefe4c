import type { ConfigMap, Container, Secret, Volume } from '../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../apimachinery/object.ts';
import { nodeIp } from './profiles.ts';
import type { PodEvents, SimContainer, SimPod } from './sim-model.ts';

// What a kubelet hands the runtime besides the image: the environment (env, envFrom — values from Secrets and
// ConfigMaps included) and the files of secret and configMap volumes. Resolved at each container start from the
// current objects, as kubelet's makeEnvironmentVariables and its secret/configMap volume plugins do, with their
// error messages: a missing object or key that is not optional stops the start. The values go to the mock runtime
// only; nothing here logs them, and the error messages name objects and keys, never values.

/** The config objects a node agent can read: the object, null when it does not exist, undefined while unknown. */
export type ConfigLookup = (
  resource: 'secrets' | 'configmaps',
  namespace: string,
  name: string,
) => KubeObject | null | undefined;

/** A container's resolved configuration, as the runtime receives it. Never logged. */
export interface ContainerConfig {
  env: Readonly<Record<string, string>>;
  /** Volume files by absolute path in the container (mountPath/key). */
  files: ReadonlyMap<string, Buffer>;
}

// Most containers have no env, no mounts and no config volumes: they share these instead of holding empty
// objects of their own (at 150,000 pods those were ~100 MiB of the heap).
const NO_ENV: Readonly<Record<string, string>> = Object.freeze({});
const NO_FILES: ReadonlyMap<string, Buffer> = new Map();
const NO_VOLUMES: ReadonlyMap<string, ReadonlyMap<string, Buffer>> = new Map();
const NO_CONFIG: ContainerConfig = Object.freeze({ env: NO_ENV, files: NO_FILES });

export type Resolution<T> =
  | { ok: true; value: T }
  /** The remote agent has not fetched an object yet: try again shortly, without an error. */
  | { ok: false; pending: true }
  | { ok: false; pending: false; message: string };

/** The pod facts env fieldRefs read. */
export interface PodFields {
  namespace: string;
  name: string;
  uid: string;
  nodeName: string;
  podIP: string;
  hostIP: string;
  serviceAccountName?: string;
}

const PENDING = { ok: false, pending: true } as const;
const fail = (message: string) => ({ ok: false, pending: false, message }) as const;

/** A config object's values as bytes: a Secret's data, a ConfigMap's data and binaryData. */
function valuesOf(resource: 'secrets' | 'configmaps', object: KubeObject): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (resource === 'secrets') {
    for (const [k, v] of Object.entries((object as Secret).data ?? {})) out.set(k, Buffer.from(v, 'base64'));
    return out;
  }
  const cm = object as ConfigMap;
  for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

// kubelet's watch-based managers name the resource in the singular: `secret "db" not found`.
const singular = (resource: 'secrets' | 'configmaps') => (resource === 'secrets' ? 'secret' : 'configmap');
const kindOf = (resource: 'secrets' | 'configmaps') => (resource === 'secrets' ? 'Secret' : 'ConfigMap');

const ENV_REFERENCE = /\$\$|\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)/g;

/** Kubernetes' $(VAR) expansion of env values from the variables defined before them ($$ escapes a $). */
function expand(value: string, env: Record<string, string>): string {
  return value.replace(ENV_REFERENCE, (match, name: string | undefined) =>
    name === undefined ? '$' : name in env ? env[name] : match,
  );
}

function fieldValue(path: string, pod: PodFields): string | undefined {
  switch (path) {
    case 'metadata.name':
      return pod.name;
    case 'metadata.namespace':
      return pod.namespace;
    case 'metadata.uid':
      return pod.uid;
    case 'spec.nodeName':
      return pod.nodeName;
    case 'spec.serviceAccountName':
      return pod.serviceAccountName ?? 'default';
    case 'status.podIP':
      return pod.podIP;
    case 'status.hostIP':
      return pod.hostIP;
    default:
      return undefined;
  }
}

/** The container's environment: envFrom first, then env (which wins), as kubelet builds it. */
export function resolveEnv(
  container: Container,
  pod: PodFields,
  lookup: ConfigLookup,
): Resolution<Readonly<Record<string, string>>> {
  if (!container.envFrom?.length && !container.env?.length) return { ok: true, value: NO_ENV };
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const resource = from.secretRef ? 'secrets' : from.configMapRef ? 'configmaps' : undefined;
    const ref = from.secretRef ?? from.configMapRef;
    if (!resource || !ref?.name) continue;
    const object = lookup(resource, pod.namespace, ref.name);
    if (object === undefined) return PENDING;
    if (object === null) {
      if (ref.optional) continue;
      return fail(`${singular(resource)} "${ref.name}" not found`);
    }
    for (const [key, value] of valuesOf(resource, object)) env[`${from.prefix ?? ''}${key}`] = value.toString('utf8');
  }
  for (const variable of container.env ?? []) {
    const source = variable.valueFrom;
    if (!source) {
      env[variable.name] = expand(variable.value ?? '', env);
      continue;
    }
    const selector = source.secretKeyRef ?? source.configMapKeyRef;
    if (selector) {
      const resource = source.secretKeyRef ? 'secrets' : 'configmaps';
      const object = selector.name ? lookup(resource, pod.namespace, selector.name) : null;
      if (object === undefined) return PENDING;
      if (object === null) {
        if (selector.optional) continue;
        return fail(`${singular(resource)} "${selector.name ?? ''}" not found`);
      }
      const value = valuesOf(resource, object).get(selector.key);
      if (value === undefined) {
        if (selector.optional) continue;
        return fail(`couldn't find key ${selector.key} in ${kindOf(resource)} ${pod.namespace}/${selector.name ?? ''}`);
      }
      env[variable.name] = value.toString('utf8');
      continue;
    }
    if (source.fieldRef) {
      const value = fieldValue(source.fieldRef.fieldPath, pod);
      if (value !== undefined) env[variable.name] = value;
    }
  }
  return { ok: true, value: env };
}

/** One volume's files by relative path, or why it cannot be mounted (kubelet's MountVolume.SetUp error). */
function volumeFiles(volume: Volume, namespace: string, lookup: ConfigLookup): Resolution<Map<string, Buffer> | null> {
  const secret = volume.secret;
  const configMap = volume.configMap;
  const resource = secret ? 'secrets' : configMap ? 'configmaps' : undefined;
  const name = secret ? secret.secretName : configMap?.name;
  if (!resource) return { ok: true, value: null };
  const optional = (secret ?? configMap)?.optional ?? false;
  const items = (secret ?? configMap)?.items;
  const object = name ? lookup(resource, namespace, name) : null;
  if (object === undefined) return PENDING;
  const files = new Map<string, Buffer>();
  if (object === null) {
    if (optional) return { ok: true, value: files };
    return fail(`${singular(resource)} "${name ?? ''}" not found`);
  }
  const values = valuesOf(resource, object);
  if (!items?.length) {
    for (const [key, value] of values) files.set(key, value);
    return { ok: true, value: files };
  }
  for (const item of items) {
    const value = values.get(item.key);
    if (value === undefined) {
      if (optional) continue;
      return fail(
        resource === 'secrets'
          ? `references non-existent secret key: ${item.key}`
          : `configmap references non-existent config key: ${item.key}`,
      );
    }
    files.set(item.path, value);
  }
  return { ok: true, value: files };
}

/** A pod's secret and configMap volumes, by volume name; the first that cannot be mounted fails them all. */
export function resolveVolumes(
  volumes: Volume[],
  namespace: string,
  lookup: ConfigLookup,
):
  | Resolution<ReadonlyMap<string, ReadonlyMap<string, Buffer>>>
  | { ok: false; pending: false; message: string; volume: string } {
  if (!volumes.some((v) => v.secret || v.configMap)) return { ok: true, value: NO_VOLUMES };
  const out = new Map<string, Map<string, Buffer>>();
  for (const volume of volumes) {
    const files = volumeFiles(volume, namespace, lookup);
    if (!files.ok)
      return files.pending
        ? files
        : {
            ...files,
            message: `MountVolume.SetUp failed for volume "${volume.name}" : ${files.message}`,
            volume: volume.name,
          };
    if (files.value) out.set(volume.name, files.value);
  }
  return { ok: true, value: out };
}

/** The files a container sees: each mounted volume's files under its mountPath (or the one subPath file). */
export function containerFiles(
  container: Container,
  volumes: ReadonlyMap<string, ReadonlyMap<string, Buffer>>,
): ReadonlyMap<string, Buffer> {
  if (!volumes.size || !container.volumeMounts?.length) return NO_FILES;
  const files = new Map<string, Buffer>();
  for (const mount of container.volumeMounts ?? []) {
    const content = volumes.get(mount.name);
    if (!content) continue;
    const base = mount.mountPath.replace(/\/+$/, '');
    if (mount.subPath) {
      const file = content.get(mount.subPath);
      if (file) files.set(base, file);
      continue;
    }
    for (const [path, value] of content) files.set(`${base}/${path}`, value);
  }
  return files;
}

/** The first retry after a config or mount failure; it doubles up to CONFIG_RETRY_MAX_MS (kubelet resyncs too). */
const CONFIG_RETRY_MS = 500;
const CONFIG_RETRY_MAX_MS = 8_000;
/** While a remote agent fetches an object it has not seen. */
const PENDING_RETRY_MS = 200;

const retryDelay = (failures: number) =>
  Math.min(CONFIG_RETRY_MAX_MS, CONFIG_RETRY_MS * 2 ** Math.max(0, failures - 1));

/**
 * Before a container starts: mounts the pod's secret and configMap volumes (once per pod) and builds the
 * container's environment. True when it may start, with `c.config` set for the runtime. Otherwise the start stays
 * due later: a volume that cannot be mounted leaves the pod ContainerCreating with a FailedMount event; a missing
 * Secret, ConfigMap or key leaves the container Waiting in CreateContainerConfigError. Either is retried until
 * the object appears.
 */
export function prepareStart(
  sim: SimPod,
  c: SimContainer,
  now: number,
  lookup: ConfigLookup,
  event: PodEvents,
): boolean {
  const [namespace, name] = sim.key.split('/');
  if (!sim.mounted) {
    // Several containers may be due in the same tick: the pod's mount is tried once per retry.
    if (sim.mountRetryAt !== undefined && now < sim.mountRetryAt) {
      c.nextAt = sim.mountRetryAt;
      return false;
    }
    const mounted = resolveVolumes(sim.volumes, namespace, lookup);
    if (!mounted.ok) {
      if (!mounted.pending) {
        sim.mountFailures = (sim.mountFailures ?? 0) + 1;
        event('Warning', 'FailedMount', mounted.message);
      }
      sim.mountRetryAt = now + (mounted.pending ? PENDING_RETRY_MS : retryDelay(sim.mountFailures ?? 1));
      c.nextAt = sim.mountRetryAt;
      return false;
    }
    sim.mounted = mounted.value;
    sim.mountRetryAt = undefined;
  }
  const pod: PodFields = {
    namespace,
    name,
    uid: sim.uid,
    nodeName: sim.node.spec.name,
    podIP: sim.ip,
    hostIP: nodeIp(sim.node.spec.index),
    serviceAccountName: sim.serviceAccountName,
  };
  const env = resolveEnv(c.spec, pod, lookup);
  if (!env.ok) {
    if (env.pending) {
      c.nextAt = now + PENDING_RETRY_MS;
      return false;
    }
    c.configFailures = (c.configFailures ?? 0) + 1;
    c.state = { kind: 'waiting', reason: 'CreateContainerConfigError', message: env.message };
    event('Warning', 'Failed', `Error: ${env.message}`);
    c.nextAt = now + retryDelay(c.configFailures);
    return false;
  }
  c.configFailures = 0;
  const files = containerFiles(c.spec, sim.mounted);
  c.config = env.value === NO_ENV && files === NO_FILES ? NO_CONFIG : { env: env.value, files };
  return true;
}
