// OpenAPI v3 schemas of the served kinds: enough for `kubectl explain`, and
// for kubectl to find the fieldValidation parameter (validation happens on
// the server). Descriptions follow the Kubernetes API reference.

type Schema = Record<string, unknown>;

const ref = (name: string) => `#/components/schemas/${name}`;
const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
const int = (description: string): Schema => ({ type: 'integer', format: 'int32', description });
const bool = (description: string): Schema => ({ type: 'boolean', description });
const map = (description: string): Schema => ({ type: 'object', additionalProperties: { type: 'string', default: '' }, description });
const obj = (name: string, description: string): Schema => ({ allOf: [{ $ref: ref(name) }], default: {}, description });
const list = (name: string, description: string, mergeKey?: string): Schema => ({
  type: 'array',
  items: { allOf: [{ $ref: ref(name) }], default: {} },
  description,
  ...(mergeKey ? { 'x-kubernetes-patch-merge-key': mergeKey, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': [mergeKey] } : {}),
});
const strings = (description: string): Schema => ({ type: 'array', items: { type: 'string', default: '' }, description });
const quantities = (description: string): Schema => ({ type: 'object', additionalProperties: { $ref: ref(Q) }, description });

const CORE = 'io.k8s.api.core.v1';
const APPS = 'io.k8s.api.apps.v1';
const COORD = 'io.k8s.api.coordination.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const Q = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

const apiVersion = str('APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.');
const kind = str('Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.');
const metadata = obj(`${META}.ObjectMeta`, "Standard object's metadata.");

function topLevel(group: string, k: string, description: string, properties: Schema, required: string[] = []): Schema {
  return {
    description,
    type: 'object',
    properties: { apiVersion, kind, metadata, ...properties },
    ...(required.length ? { required } : {}),
    'x-kubernetes-group-version-kind': [{ group, kind: k, version: 'v1' }],
  };
}

const container = {
  description: 'A single application container that you want to run within a pod.',
  type: 'object',
  required: ['name'],
  properties: {
    name: str('Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated.'),
    image: str('Container image name. In EntroOS any well-formed reference pulls from the simulated registry.'),
    command: strings('Entrypoint array. Not executed within a shell. The container image\'s ENTRYPOINT is used if this is not provided.'),
    args: strings('Arguments to the entrypoint.'),
    env: list(`${CORE}.EnvVar`, 'List of environment variables to set in the container. Cannot be updated.', 'name'),
    ports: list(`${CORE}.ContainerPort`, 'List of ports to expose from the container.', 'containerPort'),
    resources: obj(`${CORE}.ResourceRequirements`, 'Compute Resources required by this container. Cannot be updated.'),
    imagePullPolicy: str('Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise.', { enum: ['Always', 'IfNotPresent', 'Never'] }),
    workingDir: str("Container's working directory."),
    livenessProbe: { type: 'object', description: 'Periodic probe of container liveness. Container will be restarted if the probe fails.', 'x-kubernetes-preserve-unknown-fields': true },
    readinessProbe: { type: 'object', description: 'Periodic probe of container service readiness. Container will be removed from service endpoints if the probe fails.', 'x-kubernetes-preserve-unknown-fields': true },
    terminationMessagePath: str("Path at which the file to which the container's termination message will be written is mounted."),
    terminationMessagePolicy: str('Indicate how the termination message should be populated.'),
  },
};

export const SCHEMAS: Record<string, Schema> = {
  [Q]: { type: 'string', description: 'Quantity is a fixed-point representation of a number, e.g. "500m" (half a CPU), "128Mi" (memory), "2".' },
  [`${META}.Time`]: { type: 'string', format: 'date-time', description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.' },
  [`${META}.OwnerReference`]: {
    description: 'OwnerReference contains enough information to let you identify an owning object.',
    type: 'object',
    required: ['apiVersion', 'kind', 'name', 'uid'],
    properties: { apiVersion: str('API version of the referent.'), kind: str('Kind of the referent.'), name: str('Name of the referent.'), uid: str('UID of the referent.'), controller: bool('If true, this reference points to the managing controller.'), blockOwnerDeletion: bool('If true, the owner cannot be deleted from the key-value store until this reference is removed (foreground deletion).') },
  },
  [`${META}.ObjectMeta`]: {
    description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    type: 'object',
    properties: {
      name: str('Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Cannot be updated.'),
      generateName: str('GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.'),
      namespace: str('Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the "default" namespace. Cannot be updated.'),
      uid: str('UID is the unique in time and space value for this object. It is typically generated by the server on successful creation of a resource and is not allowed to change on PUT operations.'),
      resourceVersion: str('An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. Used for optimistic concurrency, change detection, and the watch operation.'),
      generation: { type: 'integer', format: 'int64', description: 'A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.' },
      creationTimestamp: obj(`${META}.Time`, 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
      deletionTimestamp: obj(`${META}.Time`, 'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.'),
      deletionGracePeriodSeconds: { type: 'integer', format: 'int64', description: 'Number of seconds allowed for this object to gracefully terminate before it will be removed from the system.' },
      labels: map('Map of string keys and values that can be used to organize and categorize (scope and select) objects.'),
      annotations: map('Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.'),
      ownerReferences: list(`${META}.OwnerReference`, 'List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected.', 'uid'),
      finalizers: { ...strings('Must be empty before the object is deleted from the registry.'), 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
      managedFields: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, description: 'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.' },
    },
  },
  [`${META}.LabelSelector`]: {
    description: 'A label selector is a label query over a set of resources. The result of matchLabels and matchExpressions are ANDed.',
    type: 'object',
    properties: {
      matchLabels: map('matchLabels is a map of {key,value} pairs.'),
      matchExpressions: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, description: 'matchExpressions is a list of label selector requirements (key, operator In/NotIn/Exists/DoesNotExist, values).' },
    },
    'x-kubernetes-map-type': 'atomic',
  },
  [`${CORE}.EnvVar`]: { description: 'EnvVar represents an environment variable present in a Container.', type: 'object', required: ['name'], properties: { name: str('Name of the environment variable.'), value: str('Variable references $(VAR_NAME) are expanded using the previously defined environment variables.'), valueFrom: { type: 'object', description: 'Source for the environment variable\'s value.', 'x-kubernetes-preserve-unknown-fields': true } } },
  [`${CORE}.ContainerPort`]: { description: 'ContainerPort represents a network port in a single container.', type: 'object', required: ['containerPort'], properties: { name: str('If specified, this must be an IANA_SVC_NAME and unique within the pod.'), containerPort: int('Number of port to expose on the pod\'s IP address. This must be a valid port number, 0 < x < 65536.'), protocol: str('Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".') } },
  [`${CORE}.ResourceRequirements`]: {
    description: 'ResourceRequirements describes the compute resource requirements.',
    type: 'object',
    properties: {
      limits: quantities('Limits describes the maximum amount of compute resources allowed. In EntroOS, simulated memory above the limit is OOMKilled and cpu above it is throttled.'),
      requests: quantities('Requests describes the minimum amount of compute resources required. The scheduler places pods by their requests.'),
    },
  },
  [`${CORE}.Container`]: container,
  [`${CORE}.Toleration`]: { description: 'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>.', type: 'object', properties: { key: str('Key is the taint key that the toleration applies to.'), operator: str('Operator represents a key\'s relationship to the value. Valid operators are Exists and Equal.'), value: str('Value is the taint value the toleration matches to.'), effect: str('Effect indicates the taint effect to match: NoSchedule, PreferNoSchedule or NoExecute.'), tolerationSeconds: { type: 'integer', format: 'int64', description: 'TolerationSeconds represents the period of time the toleration (which must be of effect NoExecute) tolerates the taint.' } } },
  [`${CORE}.PodSpec`]: {
    description: 'PodSpec is a description of a pod.',
    type: 'object',
    required: ['containers'],
    properties: {
      containers: list(`${CORE}.Container`, 'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.', 'name'),
      initContainers: list(`${CORE}.Container`, 'List of initialization containers belonging to the pod. Init containers are executed in order prior to containers being started.', 'name'),
      restartPolicy: str('Restart policy for all containers within the pod. One of Always, OnFailure, Never. Default to Always.', { enum: ['Always', 'Never', 'OnFailure'] }),
      terminationGracePeriodSeconds: { type: 'integer', format: 'int64', description: 'Optional duration in seconds the pod needs to terminate gracefully. Defaults to 30 seconds.' },
      nodeSelector: map("NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node."),
      nodeName: str('NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.'),
      schedulerName: str('If specified, the pod will be dispatched by specified scheduler. If not specified, the pod will be dispatched by the EntroOS scheduler (entroos-scheduler).'),
      affinity: { type: 'object', description: "If specified, the pod's scheduling constraints (nodeAffinity, podAffinity, podAntiAffinity).", 'x-kubernetes-preserve-unknown-fields': true },
      tolerations: list(`${CORE}.Toleration`, "If specified, the pod's tolerations."),
      topologySpreadConstraints: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, description: 'TopologySpreadConstraints describes how a group of pods ought to spread across topology domains.' },
      priority: int('The priority value. The higher the value, the higher the priority.'),
      priorityClassName: str("If specified, indicates the pod's priority."),
      serviceAccountName: str('ServiceAccountName is the name of the ServiceAccount to use to run this pod.'),
      volumes: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, description: 'List of volumes that can be mounted by containers belonging to the pod.' },
      dnsPolicy: str("Set DNS policy for the pod. Defaults to \"ClusterFirst\"."),
      hostname: str("Specifies the hostname of the Pod."),
      securityContext: { type: 'object', description: 'SecurityContext holds pod-level security attributes and common container settings.', 'x-kubernetes-preserve-unknown-fields': true },
      activeDeadlineSeconds: { type: 'integer', format: 'int64', description: 'Optional duration in seconds the pod may be active on the node relative to StartTime before the system will actively try to mark it failed and kill associated containers.' },
    },
  },
  [`${CORE}.PodStatus`]: { description: 'PodStatus represents information about the status of a pod.', type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { phase: str('The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle: Pending, Running, Succeeded, Failed, Unknown.'), podIP: str('podIP address allocated to the pod.'), hostIP: str('hostIP holds the IP address of the host to which the pod is assigned.'), qosClass: str('The Quality of Service (QOS) classification assigned to the pod based on resource requirements.'), startTime: obj(`${META}.Time`, 'RFC 3339 date and time at which the object was acknowledged by the Kubelet.') } },
  [`${CORE}.PodTemplateSpec`]: { description: 'PodTemplateSpec describes the data a pod should have when created from a template.', type: 'object', properties: { metadata, spec: obj(`${CORE}.PodSpec`, 'Specification of the desired behavior of the pod.') } },
  [`${CORE}.Pod`]: topLevel('', 'Pod', 'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.', { spec: obj(`${CORE}.PodSpec`, 'Specification of the desired behavior of the pod.'), status: obj(`${CORE}.PodStatus`, 'Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only.') }),
  [`${CORE}.Namespace`]: topLevel('', 'Namespace', 'Namespace provides a scope for Names. Use of multiple namespaces is optional.', { spec: { type: 'object', description: 'Spec defines the behavior of the Namespace.', 'x-kubernetes-preserve-unknown-fields': true }, status: { type: 'object', description: 'Status describes the current status of a Namespace.', 'x-kubernetes-preserve-unknown-fields': true } }),
  [`${CORE}.Taint`]: { description: 'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.', type: 'object', required: ['key', 'effect'], properties: { key: str('Required. The taint key to be applied to a node.'), value: str('The taint value corresponding to the taint key.'), effect: str('Required. The effect of the taint on pods that do not tolerate the taint. Valid effects are NoSchedule, PreferNoSchedule and NoExecute.'), timeAdded: obj(`${META}.Time`, 'TimeAdded represents the time at which the taint was added.') } },
  [`${CORE}.NodeSpec`]: { description: 'NodeSpec describes the attributes that a node is created with.', type: 'object', properties: { unschedulable: bool('Unschedulable controls node schedulability of new pods. By default, node is schedulable.'), taints: list(`${CORE}.Taint`, "If specified, the node's taints."), podCIDR: str('PodCIDR represents the pod IP range assigned to the node.'), providerID: str('ID of the node assigned by the cloud provider.') } },
  [`${CORE}.Node`]: topLevel('', 'Node', 'Node is a worker node. In EntroOS nodes are simulated by node agents (NKO).', { spec: obj(`${CORE}.NodeSpec`, 'Spec defines the behavior of a node.'), status: { type: 'object', description: 'Most recently observed status of the node: capacity, allocatable, conditions, addresses, nodeInfo.', 'x-kubernetes-preserve-unknown-fields': true } }),
  [`${CORE}.ServicePort`]: { description: 'ServicePort contains information on service\'s port.', type: 'object', required: ['port'], properties: { name: str('The name of this port within the service.'), protocol: str('The IP protocol for this port. Supports "TCP", "UDP", and "SCTP". Default is TCP.'), port: int('The port that will be exposed by this service.'), targetPort: { description: 'Number or name of the port to access on the pods targeted by the service.', 'x-kubernetes-int-or-string': true }, nodePort: int('The port on each node on which this service is exposed when type is NodePort or LoadBalancer.') } },
  [`${CORE}.ServiceSpec`]: { description: 'ServiceSpec describes the attributes that a user creates on a service.', type: 'object', properties: { ports: list(`${CORE}.ServicePort`, 'The list of ports that are exposed by this service.', 'port'), selector: map('Route service traffic to pods with label keys and values matching this selector.'), type: str('type determines how the Service is exposed. Defaults to ClusterIP.', { enum: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] }), clusterIP: str('clusterIP is the IP address of the service and is usually assigned randomly.'), sessionAffinity: str('Supports "ClientIP" and "None".') } },
  [`${CORE}.Service`]: topLevel('', 'Service', 'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.', { spec: obj(`${CORE}.ServiceSpec`, 'Spec defines the behavior of a service.'), status: { type: 'object', description: 'Most recently observed status of the service.', 'x-kubernetes-preserve-unknown-fields': true } }),
  [`${CORE}.Endpoints`]: topLevel('', 'Endpoints', 'Endpoints is a collection of endpoints that implement the actual service.', { subsets: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, description: 'The set of all endpoints is the union of all subsets.' } }),
  [`${CORE}.ConfigMap`]: topLevel('', 'ConfigMap', 'ConfigMap holds configuration data for pods to consume.', { data: map('Data contains the configuration data.'), binaryData: map('BinaryData contains the binary data.'), immutable: bool('Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated.') }),
  [`${CORE}.Event`]: topLevel('', 'Event', 'Event is a report of an event somewhere in the cluster.', { involvedObject: { type: 'object', description: 'The object that this event is about.', 'x-kubernetes-preserve-unknown-fields': true }, reason: str('This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'), message: str('A human-readable description of the status of this operation.'), type: str('Type of this event (Normal, Warning).'), count: int('The number of times this event has occurred.'), firstTimestamp: obj(`${META}.Time`, 'The time at which the event was first recorded.'), lastTimestamp: obj(`${META}.Time`, 'The time at which the most recent occurrence of this event was recorded.'), source: { type: 'object', description: 'The component reporting this event.', 'x-kubernetes-preserve-unknown-fields': true } }, ['metadata', 'involvedObject']),
  [`${APPS}.DeploymentStrategy`]: { description: 'DeploymentStrategy describes how to replace existing pods with new ones.', type: 'object', properties: { type: str('Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.'), rollingUpdate: { type: 'object', description: 'Rolling update config params: maxSurge and maxUnavailable (number or percentage).', 'x-kubernetes-preserve-unknown-fields': true } } },
  [`${APPS}.DeploymentSpec`]: {
    description: 'DeploymentSpec is the specification of the desired behavior of the Deployment.',
    type: 'object',
    required: ['selector', 'template'],
    properties: {
      replicas: int('Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.'),
      selector: obj(`${META}.LabelSelector`, 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template\'s labels.'),
      template: obj(`${CORE}.PodTemplateSpec`, 'Template describes the pods that will be created.'),
      strategy: obj(`${APPS}.DeploymentStrategy`, 'The deployment strategy to use to replace existing pods with new ones.'),
      minReadySeconds: int('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available.'),
      revisionHistoryLimit: int('The number of old ReplicaSets to retain to allow rollback. Defaults to 10.'),
      paused: bool('Indicates that the deployment is paused.'),
      progressDeadlineSeconds: int('The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s.'),
    },
  },
  [`${APPS}.Deployment`]: topLevel('apps', 'Deployment', 'Deployment enables declarative updates for Pods and ReplicaSets.', { spec: obj(`${APPS}.DeploymentSpec`, 'Specification of the desired behavior of the Deployment.'), status: { type: 'object', description: 'Most recently observed status of the Deployment: replicas, updatedReplicas, readyReplicas, availableReplicas, conditions.', 'x-kubernetes-preserve-unknown-fields': true } }),
  [`${APPS}.ReplicaSetSpec`]: { description: 'ReplicaSetSpec is the specification of a ReplicaSet.', type: 'object', required: ['selector'], properties: { replicas: int('Replicas is the number of desired pods. Defaults to 1.'), selector: obj(`${META}.LabelSelector`, 'Selector is a label query over pods that should match the replica count.'), template: obj(`${CORE}.PodTemplateSpec`, 'Template is the object that describes the pod that will be created if insufficient replicas are detected.'), minReadySeconds: int('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available.') } },
  [`${APPS}.ReplicaSet`]: topLevel('apps', 'ReplicaSet', 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.', { spec: obj(`${APPS}.ReplicaSetSpec`, 'Spec defines the specification of the desired behavior of the ReplicaSet.'), status: { type: 'object', description: 'Status is the most recently observed status of the ReplicaSet.', 'x-kubernetes-preserve-unknown-fields': true } }),
  ['io.k8s.api.scheduling.v1.PriorityClass']: topLevel('scheduling.k8s.io', 'PriorityClass', 'PriorityClass defines mapping from a priority class name to the priority integer value. Pods with higher values are scheduled first and may preempt lower ones.', {
    value: int('value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.'),
    globalDefault: bool('globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.'),
    description: str('description is an arbitrary string that usually provides guidelines on when this priority class should be used.'),
    preemptionPolicy: str('preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.'),
  }, ['value']),
  [`${COORD}.LeaseSpec`]: { description: 'LeaseSpec is a specification of a Lease.', type: 'object', properties: { holderIdentity: str('holderIdentity contains the identity of the holder of a current lease.'), leaseDurationSeconds: int('leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it.'), acquireTime: { type: 'string', format: 'date-time', description: 'acquireTime is a time when the current lease was acquired.' }, renewTime: { type: 'string', format: 'date-time', description: 'renewTime is a time when the current holder of a lease has last updated the lease.' }, leaseTransitions: int('leaseTransitions is the number of transitions of a lease between holders.') } },
  [`${COORD}.Lease`]: topLevel('coordination.k8s.io', 'Lease', 'Lease defines a lease concept. Node agents renew one per node as their heartbeat.', { spec: obj(`${COORD}.LeaseSpec`, 'spec contains the specification of the Lease.') }),
};

export const KIND_SCHEMA: Record<string, string> = {
  Pod: `${CORE}.Pod`,
  Namespace: `${CORE}.Namespace`,
  Node: `${CORE}.Node`,
  Service: `${CORE}.Service`,
  Endpoints: `${CORE}.Endpoints`,
  ConfigMap: `${CORE}.ConfigMap`,
  Event: `${CORE}.Event`,
  Deployment: `${APPS}.Deployment`,
  ReplicaSet: `${APPS}.ReplicaSet`,
  Lease: `${COORD}.Lease`,
  PriorityClass: 'io.k8s.api.scheduling.v1.PriorityClass',
};
