import type {
  ConfigMap,
  CronJob,
  Job,
  Deployment,
  Endpoints,
  Event,
  Lease,
  Namespace,
  Node,
  Pod,
  PriorityClass,
  ReplicaSet,
  Secret,
  Service,
  ServiceAccount,
} from '../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../apimachinery/meta.ts';
import type { ObjectView } from '../apimachinery/object.ts';
import type { ResourceType } from '../apimachinery/registry.ts';
import { selectorToString } from '../apimachinery/selectors.ts';
import { age, nodeStatus, podStatus } from '../apimachinery/printers.ts';
import { printerColumns, printRow } from './crd/structural.ts';
import { CRONJOB_COLUMNS, JOB_COLUMNS } from './kinds/job.ts';
import { PDB_COLUMNS } from './kinds/pdb.ts';
import { HPA_COLUMNS } from './kinds/hpa.ts';
import { APPS_COLUMNS } from './kinds/apps.ts';
import { RBAC_COLUMNS } from './kinds/rbac.ts';
import { ageColumn, nameColumn, templateColumns, type Column } from './columns.ts';

export { age, podStatus } from '../apimachinery/printers.ts';

// Server-side printing: the columns `kubectl get` shows for each kind.

/** The columns of one kind, whose cells read the kind's typed fields (every stored object is an ObjectView). */
const columns = <K>(list: Column<ObjectView<K>>[]) => list;

const name = nameColumn;

/** The wide columns of the kinds that run a pod template (`kubectl get -o wide`). */
const deploymentTemplateColumns = templateColumns<ObjectView<Deployment | ReplicaSet>>((o) => o.spec?.template, {
  description: 'Label selector for pods.',
  cell: (o) => selectorToString(o.spec?.selector),
});

function nodeRoles(node: ObjectView<Node>): string {
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length) || node.metadata.labels?.[k]);
  return roles.length ? roles.sort().join(',') : '<none>';
}

const address = (node: ObjectView<Node>, type: string) =>
  (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';

function servicePorts(svc: ObjectView<Service>): string {
  const ports = (svc.spec?.ports ?? []).map(
    (p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`,
  );
  return ports.length ? ports.join(',') : '<none>';
}

function endpointsList(ep: ObjectView<Endpoints>): string {
  const out: string[] = [];
  for (const subset of ep.subsets ?? [])
    for (const a of subset.addresses ?? [])
      for (const p of subset.ports ?? [undefined]) out.push(p?.port ? `${a.ip}:${p.port}` : a.ip);
  if (!out.length) return '<none>';
  return out.length > 3 ? `${out.slice(0, 3).join(',')} + ${out.length - 3} more...` : out.join(',');
}

const COLUMNS: Record<string, Column[]> = {
  'poddisruptionbudgets.policy': PDB_COLUMNS,
  'horizontalpodautoscalers.autoscaling': HPA_COLUMNS,
  ...APPS_COLUMNS,
  ...RBAC_COLUMNS,
  pods: columns<Pod>([
    name,
    {
      name: 'Ready',
      type: 'string',
      description: 'The aggregate readiness state of this pod for accepting traffic.',
      priority: 0,
      cell: (o) =>
        `${(o.status?.containerStatuses ?? []).filter((s) => s.ready).length}/${o.spec?.containers?.length ?? 0}`,
    },
    {
      name: 'Status',
      type: 'string',
      description: 'The aggregate status of the containers in this pod.',
      priority: 0,
      cell: (o) => podStatus(o),
    },
    {
      name: 'Restarts',
      type: 'string',
      description: 'The number of times the containers in this pod have been restarted.',
      priority: 0,
      cell: (o) => String((o.status?.containerStatuses ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0)),
    },
    ageColumn,
    {
      name: 'IP',
      type: 'string',
      description: 'IP address allocated to the pod.',
      priority: 1,
      cell: (o) => o.status?.podIP ?? '<none>',
    },
    {
      name: 'Node',
      type: 'string',
      description: 'Name of the Node to which this pod is assigned.',
      priority: 1,
      cell: (o) => o.spec?.nodeName ?? '<none>',
    },
    {
      name: 'Nominated Node',
      type: 'string',
      description: 'Node nominated by preemption.',
      priority: 1,
      cell: (o) => o.status?.nominatedNodeName ?? '<none>',
    },
    {
      name: 'Readiness Gates',
      type: 'string',
      description: 'Pod readiness gates.',
      priority: 1,
      cell: (o) => (o.spec?.readinessGates?.length ? String(o.spec.readinessGates.length) : '<none>'),
    },
  ]),
  nodes: columns<Node>([
    name,
    { name: 'Status', type: 'string', description: 'The status of the node', priority: 0, cell: (o) => nodeStatus(o) },
    { name: 'Roles', type: 'string', description: 'The roles of the node', priority: 0, cell: (o) => nodeRoles(o) },
    ageColumn,
    {
      name: 'Version',
      type: 'string',
      description: 'Kubelet Version reported by the node.',
      priority: 0,
      cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? '',
    },
    {
      name: 'Internal-IP',
      type: 'string',
      description: 'Internal IP of the node.',
      priority: 1,
      cell: (o) => address(o, 'InternalIP'),
    },
    {
      name: 'External-IP',
      type: 'string',
      description: 'External IP of the node.',
      priority: 1,
      cell: (o) => address(o, 'ExternalIP'),
    },
    {
      name: 'OS-Image',
      type: 'string',
      description: 'OS image reported by the node.',
      priority: 1,
      cell: (o) => o.status?.nodeInfo?.osImage ?? '<unknown>',
    },
    {
      name: 'Kernel-Version',
      type: 'string',
      description: 'Kernel version reported by the node.',
      priority: 1,
      cell: (o) => o.status?.nodeInfo?.kernelVersion ?? '<unknown>',
    },
    {
      name: 'Container-Runtime',
      type: 'string',
      description: 'Container runtime reported by the node.',
      priority: 1,
      cell: (o) => o.status?.nodeInfo?.containerRuntimeVersion ?? '<unknown>',
    },
  ]),
  'deployments.apps': columns<Deployment>([
    name,
    {
      name: 'Ready',
      type: 'string',
      description: 'Number of ready replicas / desired replicas.',
      priority: 0,
      cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
    },
    {
      name: 'Up-to-date',
      type: 'integer',
      description:
        'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      priority: 0,
      cell: (o) => o.status?.updatedReplicas ?? 0,
    },
    {
      name: 'Available',
      type: 'integer',
      description: 'Total number of available pods.',
      priority: 0,
      cell: (o) => o.status?.availableReplicas ?? 0,
    },
    ageColumn,
    ...deploymentTemplateColumns,
  ]),
  'jobs.batch': columns<Job>([name, ...JOB_COLUMNS.main, ageColumn, ...JOB_COLUMNS.wide]),
  'cronjobs.batch': columns<CronJob>([name, ...CRONJOB_COLUMNS.main, ageColumn, ...CRONJOB_COLUMNS.wide]),
  'replicasets.apps': columns<ReplicaSet>([
    name,
    {
      name: 'Desired',
      type: 'integer',
      description: 'Number of desired pods.',
      priority: 0,
      cell: (o) => o.spec?.replicas ?? 0,
    },
    {
      name: 'Current',
      type: 'integer',
      description: 'Number of actual replicas.',
      priority: 0,
      cell: (o) => o.status?.replicas ?? 0,
    },
    {
      name: 'Ready',
      type: 'integer',
      description: 'Number of ready replicas.',
      priority: 0,
      cell: (o) => o.status?.readyReplicas ?? 0,
    },
    ageColumn,
    ...deploymentTemplateColumns,
  ]),
  services: columns<Service>([
    name,
    {
      name: 'Type',
      type: 'string',
      description: 'The type of the service.',
      priority: 0,
      cell: (o) => o.spec?.type ?? 'ClusterIP',
    },
    {
      name: 'Cluster-IP',
      type: 'string',
      description: 'The cluster IP of the service.',
      priority: 0,
      cell: (o) => o.spec?.clusterIP ?? '<none>',
    },
    {
      name: 'External-IP',
      type: 'string',
      description: 'External IPs of the service.',
      priority: 0,
      cell: (o) => (o.spec?.externalIPs ?? []).join(',') || '<none>',
    },
    {
      name: 'Port(s)',
      type: 'string',
      description: 'The ports of the service.',
      priority: 0,
      cell: (o) => servicePorts(o),
    },
    ageColumn,
    {
      name: 'Selector',
      type: 'string',
      description: 'Pods the service routes to.',
      priority: 1,
      cell: (o) =>
        Object.entries(o.spec?.selector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
    },
  ]),
  endpoints: columns<Endpoints>([
    name,
    {
      name: 'Endpoints',
      type: 'string',
      description: 'Endpoints of the service.',
      priority: 0,
      cell: (o) => endpointsList(o),
    },
    ageColumn,
  ]),
  namespaces: columns<Namespace>([
    name,
    {
      name: 'Status',
      type: 'string',
      description: 'The phase of the namespace.',
      priority: 0,
      cell: (o) => o.status?.phase ?? 'Active',
    },
    ageColumn,
  ]),
  secrets: columns<Secret>([
    name,
    { name: 'Type', type: 'string', description: 'The type of the secret.', priority: 0, cell: (o) => o.type ?? '' },
    {
      name: 'Data',
      type: 'integer',
      description: 'Number of keys in the secret (never their values).',
      priority: 0,
      cell: (o) => Object.keys(o.data ?? {}).length,
    },
    ageColumn,
  ]),
  serviceaccounts: columns<ServiceAccount>([
    name,
    {
      name: 'Secrets',
      type: 'string',
      description:
        'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
      priority: 0,
      cell: (o) => (o.secrets ?? []).length,
    },
    ageColumn,
  ]),
  configmaps: columns<ConfigMap>([
    name,
    {
      name: 'Data',
      type: 'integer',
      description: 'Number of entries.',
      priority: 0,
      cell: (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length,
    },
    ageColumn,
  ]),
  'priorityclasses.scheduling.k8s.io': columns<PriorityClass>([
    name,
    { name: 'Value', type: 'integer', description: 'The priority value.', priority: 0, cell: (o) => o.value ?? 0 },
    {
      name: 'Global-Default',
      type: 'string',
      description: 'Whether this is the default class.',
      priority: 0,
      cell: (o) => String(Boolean(o.globalDefault)),
    },
    {
      name: 'Preemption-Policy',
      type: 'string',
      description: 'Preemption policy.',
      priority: 0,
      cell: (o) => o.preemptionPolicy ?? 'PreemptLowerPriority',
    },
    ageColumn,
  ]),
  // As kube-apiserver prints CRDs: the creation time itself, not an age.
  'customresourcedefinitions.apiextensions.k8s.io': columns<object>([
    name,
    {
      name: 'Created At',
      type: 'date',
      description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
      priority: 0,
      cell: (o) => o.metadata.creationTimestamp ?? '',
    },
  ]),
  'leases.coordination.k8s.io': columns<Lease>([
    name,
    {
      name: 'Holder',
      type: 'string',
      description: 'The holder of the lease.',
      priority: 0,
      cell: (o) => o.spec?.holderIdentity ?? '',
    },
    ageColumn,
  ]),
  events: columns<Event>([
    {
      name: 'Last Seen',
      type: 'string',
      description: 'Time since the last occurrence.',
      priority: 0,
      cell: (o, now) => age(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now),
    },
    { name: 'Type', type: 'string', description: 'Normal or Warning.', priority: 0, cell: (o) => o.type ?? '' },
    {
      name: 'Reason',
      type: 'string',
      description: 'Why the event happened.',
      priority: 0,
      cell: (o) => o.reason ?? '',
    },
    {
      name: 'Object',
      type: 'string',
      description: 'The object the event is about.',
      priority: 0,
      cell: (o) => `${(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`,
    },
    { name: 'Message', type: 'string', description: 'What happened.', priority: 0, cell: (o) => o.message ?? '' },
  ]),
};

export function toTable(
  t: ResourceType,
  objects: KubeObject[],
  meta: { resourceVersion?: string; continue?: string; remainingItemCount?: number },
  includeObject: string | null,
) {
  const now = Date.now();
  // A custom resource's columns are its version's additionalPrinterColumns, as the CRD declares them.
  const custom = t.crd ? printerColumns(t.crd, t.version) : undefined;
  const columns: Column[] = custom
    ? custom.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format,
        description: c.description,
        priority: c.priority,
        cell: (o, at) => printRow(o, [c], at)[0],
      }))
    : (COLUMNS[t.key] ?? [name, ageColumn]);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: meta.resourceVersion,
      ...(meta.continue ? { continue: meta.continue } : {}),
      ...(meta.remainingItemCount !== undefined ? { remainingItemCount: meta.remainingItemCount } : {}),
    },
    columnDefinitions: columns.map(({ cell: _cell, ...c }) => ({ ...c, format: c.format ?? '' })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

export function wantsTable(accept: string | null): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => /as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}
