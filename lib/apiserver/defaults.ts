import type {
  Container,
  CronJob,
  Job,
  Deployment,
  DeploymentSpec,
  Namespace,
  Node,
  Pod,
  PodSpec,
  ReplicaSet,
  ReplicaSetSpec,
  Service,
} from '../apimachinery/generated/kinds.ts';
import { parseQuantity } from '../apimachinery/quantity.ts';
import { defaultCrd } from './crd/resource.ts';
import { defaultCronJob, defaultJob } from './kinds/job.ts';
import { defaultHpa } from './kinds/hpa.ts';
import { defaultSecret } from './kinds/secret.ts';
import { defaultDaemonSet, defaultStatefulSet } from './kinds/apps.ts';
import { defaultRbacObject } from './kinds/rbac.ts';

// Defaults the API server fills in, as Kubernetes does. They run before
// validation, so an object is read as the kind it claims to be and a missing
// required part (a pod's spec, a template) is created empty for validation to
// report what it lacks.

export const DEFAULT_SCHEDULER = 'entroos-scheduler';

function defaultContainer(c: Container) {
  if (!c.imagePullPolicy) {
    const tag = /:([^/:@]+)$/.exec(c.image ?? '')?.[1];
    c.imagePullPolicy = !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  // Limits without requests: requests default to the limits.
  if (c.resources.limits) {
    const requests = (c.resources.requests ??= {});
    for (const [k, v] of Object.entries(c.resources.limits)) requests[k] ??= v;
  }
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
}

export function defaultPodSpec(spec: PodSpec) {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= DEFAULT_SCHEDULER;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  const tolerations = (spec.tolerations ??= []);
  // Like the DefaultTolerationSeconds admission plugin: evict after 300 s on an unreachable/not-ready node.
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key))
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
}

type ContainerResources = Pick<Container, 'resources'>;

/** Guaranteed when every container has equal cpu and memory requests and limits; BestEffort with none at all. */
export function qosClass(spec: {
  containers?: ContainerResources[];
  initContainers?: ContainerResources[];
}): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let specified = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) specified = true;
    for (const r of ['cpu', 'memory'])
      if (lim[r] === undefined || parseQuantity(req[r] ?? lim[r]) !== parseQuantity(lim[r])) guaranteed = false;
  }
  if (!specified) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function defaultWorkload(spec: DeploymentSpec | ReplicaSetSpec) {
  spec.replicas ??= 1;
  spec.template ??= {};
  spec.template.metadata ??= {};
  spec.template.spec ??= {} as PodSpec;
  defaultPodSpec(spec.template.spec);
}

/** Fills defaults for a new object of `kind` (mutates it; its metadata is left alone). */
export function applyDefaults(kind: string, obj: Record<string, unknown>) {
  switch (kind) {
    case 'Pod': {
      const pod = obj as Pod;
      pod.spec ??= {} as PodSpec;
      defaultPodSpec(pod.spec);
      pod.status = {
        phase: 'Pending',
        qosClass: qosClass(pod.spec),
        ...(pod.status?.conditions ? { conditions: pod.status.conditions } : {}),
      };
      break;
    }
    case 'Deployment': {
      const deployment = obj as Deployment;
      const spec = (deployment.spec ??= {} as DeploymentSpec);
      defaultWorkload(spec);
      const strategy = (spec.strategy ??= {});
      strategy.type ??= 'RollingUpdate';
      if (strategy.type === 'RollingUpdate')
        strategy.rollingUpdate = { maxSurge: '25%', maxUnavailable: '25%', ...strategy.rollingUpdate };
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      deployment.status ??= {};
      break;
    }
    case 'ReplicaSet': {
      const replicaSet = obj as ReplicaSet;
      defaultWorkload((replicaSet.spec ??= {} as ReplicaSetSpec));
      replicaSet.status ??= { replicas: 0 };
      break;
    }
    case 'StatefulSet':
      defaultPodSpec(defaultStatefulSet(obj));
      break;
    case 'DaemonSet':
      defaultPodSpec(defaultDaemonSet(obj));
      break;
    case 'Service': {
      const service = obj as Service;
      const spec = (service.spec ??= {});
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      for (const p of spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      if (spec.clusterIP) spec.clusterIPs ??= [spec.clusterIP];
      service.status ??= { loadBalancer: {} };
      break;
    }
    case 'Namespace': {
      const namespace = obj as Namespace;
      const spec = (namespace.spec ??= {});
      spec.finalizers ??= ['kubernetes'];
      namespace.status = { phase: 'Active' };
      break;
    }
    case 'Node': {
      const node = obj as Node;
      node.spec ??= {};
      node.status ??= {};
      break;
    }
    case 'CustomResourceDefinition':
      defaultCrd(obj);
      break;
    case 'Job':
      defaultJob(obj as Job, defaultPodSpec);
      break;
    case 'CronJob':
      defaultCronJob(obj as CronJob, defaultPodSpec);
      break;
    case 'HorizontalPodAutoscaler':
      defaultHpa(obj);
      break;
    case 'Secret':
      defaultSecret(obj);
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      defaultRbacObject(kind, obj);
      break;
  }
}
