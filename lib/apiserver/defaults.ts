import { parseQuantity } from '../apimachinery/quantity.ts';

// Defaults the API server fills in, as Kubernetes does.

export const DEFAULT_SCHEDULER = 'entroos-scheduler';

function defaultContainer(c: any) {
  if (!c.imagePullPolicy) {
    const tag = /:([^/:@]+)$/.exec(c.image ?? '')?.[1];
    c.imagePullPolicy = !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  // Limits without requests: requests default to the limits.
  if (c.resources.limits) {
    c.resources.requests ??= {};
    for (const [k, v] of Object.entries(c.resources.limits)) c.resources.requests[k] ??= v;
  }
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
}

export function defaultPodSpec(spec: any) {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= DEFAULT_SCHEDULER;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  spec.tolerations ??= [];
  // Like the DefaultTolerationSeconds admission plugin: evict after 300 s on an unreachable/not-ready node.
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!spec.tolerations.some((t: any) => t.key === key)) spec.tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
}

/** Guaranteed when every container has equal cpu and memory requests and limits; BestEffort with none at all. */
export function qosClass(spec: any): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) if (lim[r] === undefined || parseQuantity(req[r] ?? lim[r]) !== parseQuantity(lim[r])) guaranteed = false;
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function defaultWorkload(obj: any) {
  obj.spec.replicas ??= 1;
  obj.spec.template ??= {};
  obj.spec.template.metadata ??= {};
  obj.spec.template.spec ??= {};
  defaultPodSpec(obj.spec.template.spec);
}

/** Fills defaults for a new object of `kind` (mutates it). */
export function applyDefaults(kind: string, obj: any) {
  switch (kind) {
    case 'Pod':
      obj.spec ??= {};
      defaultPodSpec(obj.spec);
      obj.status = { phase: 'Pending', qosClass: qosClass(obj.spec), ...(obj.status?.conditions ? { conditions: obj.status.conditions } : {}) };
      break;
    case 'Deployment':
      obj.spec ??= {};
      defaultWorkload(obj);
      obj.spec.strategy ??= {};
      obj.spec.strategy.type ??= 'RollingUpdate';
      if (obj.spec.strategy.type === 'RollingUpdate') obj.spec.strategy.rollingUpdate = { maxSurge: '25%', maxUnavailable: '25%', ...obj.spec.strategy.rollingUpdate };
      obj.spec.revisionHistoryLimit ??= 10;
      obj.spec.progressDeadlineSeconds ??= 600;
      obj.status ??= {};
      break;
    case 'ReplicaSet':
      obj.spec ??= {};
      defaultWorkload(obj);
      obj.status ??= { replicas: 0 };
      break;
    case 'Service':
      obj.spec ??= {};
      obj.spec.type ??= 'ClusterIP';
      obj.spec.sessionAffinity ??= 'None';
      for (const p of obj.spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      if (obj.spec.clusterIP) obj.spec.clusterIPs ??= [obj.spec.clusterIP];
      obj.status ??= { loadBalancer: {} };
      break;
    case 'Namespace':
      obj.spec ??= {};
      obj.spec.finalizers ??= ['kubernetes'];
      obj.status = { phase: 'Active' };
      break;
    case 'Node':
      obj.spec ??= {};
      obj.status ??= {};
      break;
  }
}
