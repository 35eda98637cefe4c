import { ApiError, badRequest } from '../../apimachinery/errors.ts';
import { RESOURCE_TYPES, typeByKind } from '../../apimachinery/registry.ts';
import { allSchemas, definitionName, type SchemaObject } from '../../apimachinery/schema.ts';

// kubectl's typed commands (`kubectl create namespace|deployment|configmap|priorityclass|role|rolebinding`…) and Go
// clients configured for protobuf send Kubernetes protobuf: "k8s\0" + runtime.Unknown{typeMeta, raw}. This decodes the
// served kinds into their JSON form. The wire numbers come from k8s.io/api's generated.proto (types.go tags), the
// only thing OpenAPI does not carry; each field's JSON name is checked against, and its type taken from, the
// generated schema (lib/apimachinery/generated), so the two cannot drift apart.
//
// A field number this server does not know is rejected with 415 UnsupportedMediaType rather than skipped: the body
// is well-formed Kubernetes protobuf that this server cannot represent (typically a field newer than its Kubernetes
// 1.27 schema), so the request is not wrong, the encoding is unsupported — and the client can send JSON instead.
// Skipping it would store the object without that field and answer 201 as if nothing was lost.

/**
 * Field numbers per schema definition, as in k8s.io/api v0.27 (the version of the schema). A name is the field's
 * JSON name in that definition; `*name` marks a Go pointer, whose zero value is sent on purpose and kept (Go writes
 * every non-pointer scalar, so elsewhere a zero means "unset"). A nested table is an embedded struct
 * (`json:",inline"`): a message of its own on the wire whose fields belong to the enclosing definition in JSON.
 */
export type FieldNumbers = { [num: number]: string | FieldNumbers };

// prettier-ignore
export const FIELD_NUMBERS: Readonly<Record<string, FieldNumbers>> = {
  'io.k8s.api.apps.v1.Deployment': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.apps.v1.DeploymentCondition': {
    1: 'type', 2: 'status', 4: 'reason', 5: 'message', 6: 'lastUpdateTime', 7: 'lastTransitionTime',
  },
  'io.k8s.api.apps.v1.DeploymentSpec': {
    1: '*replicas', 2: 'selector', 3: 'template', 4: 'strategy', 5: 'minReadySeconds', 6: '*revisionHistoryLimit',
    7: 'paused', 9: '*progressDeadlineSeconds',
  },
  'io.k8s.api.apps.v1.DeploymentStatus': {
    1: 'observedGeneration', 2: 'replicas', 3: 'updatedReplicas', 4: 'availableReplicas', 5: 'unavailableReplicas',
    6: 'conditions', 7: 'readyReplicas', 8: '*collisionCount',
  },
  'io.k8s.api.apps.v1.DeploymentStrategy': { 1: 'type', 2: 'rollingUpdate' },
  'io.k8s.api.apps.v1.ReplicaSet': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.apps.v1.ReplicaSetCondition': {
    1: 'type', 2: 'status', 3: 'lastTransitionTime', 4: 'reason', 5: 'message',
  },
  'io.k8s.api.apps.v1.ReplicaSetSpec': { 1: '*replicas', 2: 'selector', 3: 'template', 4: 'minReadySeconds' },
  'io.k8s.api.apps.v1.ReplicaSetStatus': {
    1: 'replicas', 2: 'fullyLabeledReplicas', 3: 'observedGeneration', 4: 'readyReplicas', 5: 'availableReplicas',
    6: 'conditions',
  },
  'io.k8s.api.apps.v1.RollingUpdateDeployment': { 1: '*maxUnavailable', 2: '*maxSurge' },
  'io.k8s.api.apps.v1.ControllerRevision': { 1: 'metadata', 2: 'data', 3: 'revision' },
  'io.k8s.api.apps.v1.DaemonSet': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.apps.v1.DaemonSetCondition': { 1: 'type', 2: 'status', 3: 'lastTransitionTime', 4: 'reason', 5: 'message' },
  'io.k8s.api.apps.v1.DaemonSetSpec': {
    1: 'selector', 2: 'template', 3: 'updateStrategy', 4: 'minReadySeconds', 6: '*revisionHistoryLimit',
  },
  'io.k8s.api.apps.v1.DaemonSetStatus': {
    1: 'currentNumberScheduled', 2: 'numberMisscheduled', 3: 'desiredNumberScheduled', 4: 'numberReady',
    5: 'observedGeneration', 6: 'updatedNumberScheduled', 7: 'numberAvailable', 8: 'numberUnavailable',
    9: '*collisionCount', 10: 'conditions',
  },
  'io.k8s.api.apps.v1.DaemonSetUpdateStrategy': { 1: 'type', 2: 'rollingUpdate' },
  'io.k8s.api.apps.v1.RollingUpdateDaemonSet': { 1: '*maxUnavailable', 2: '*maxSurge' },
  'io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy': { 1: '*partition', 2: '*maxUnavailable' },
  'io.k8s.api.apps.v1.StatefulSet': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.apps.v1.StatefulSetCondition': { 1: 'type', 2: 'status', 3: 'lastTransitionTime', 4: 'reason', 5: 'message' },
  'io.k8s.api.apps.v1.StatefulSetOrdinals': { 1: 'start' },
  'io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy': { 1: 'whenDeleted', 2: 'whenScaled' },
  'io.k8s.api.apps.v1.StatefulSetSpec': {
    1: '*replicas', 2: 'selector', 3: 'template', 4: 'volumeClaimTemplates', 5: 'serviceName', 6: 'podManagementPolicy',
    7: 'updateStrategy', 8: '*revisionHistoryLimit', 9: 'minReadySeconds', 10: 'persistentVolumeClaimRetentionPolicy',
    11: 'ordinals',
  },
  'io.k8s.api.apps.v1.StatefulSetStatus': {
    1: 'observedGeneration', 2: 'replicas', 3: 'readyReplicas', 4: 'currentReplicas', 5: 'updatedReplicas',
    6: 'currentRevision', 7: 'updateRevision', 9: '*collisionCount', 10: 'conditions', 11: 'availableReplicas',
  },
  'io.k8s.api.apps.v1.StatefulSetUpdateStrategy': { 1: 'type', 2: 'rollingUpdate' },
  // autoscaling/v1: what `kubectl autoscale` (1.32) sends, converted to the stored v2 by ./hpa-v1.ts.
  'io.k8s.api.autoscaling.v1.CrossVersionObjectReference': { 1: 'kind', 2: 'name', 3: 'apiVersion' },
  'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec': {
    1: 'scaleTargetRef', 2: '*minReplicas', 3: 'maxReplicas', 4: '*targetCPUUtilizationPercentage',
  },
  'io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerStatus': {
    1: '*observedGeneration', 2: 'lastScaleTime', 3: 'currentReplicas', 4: 'desiredReplicas',
    5: '*currentCPUUtilizationPercentage',
  },
  'io.k8s.api.autoscaling.v2.ContainerResourceMetricSource': { 1: 'name', 2: 'target', 3: 'container' },
  'io.k8s.api.autoscaling.v2.ContainerResourceMetricStatus': { 1: 'name', 2: 'current', 3: 'container' },
  'io.k8s.api.autoscaling.v2.CrossVersionObjectReference': { 1: 'kind', 2: 'name', 3: 'apiVersion' },
  'io.k8s.api.autoscaling.v2.ExternalMetricSource': { 1: 'metric', 2: 'target' },
  'io.k8s.api.autoscaling.v2.ExternalMetricStatus': { 1: 'metric', 2: 'current' },
  'io.k8s.api.autoscaling.v2.HPAScalingPolicy': { 1: 'type', 2: 'value', 3: 'periodSeconds' },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': { 1: '*selectPolicy', 2: 'policies', 3: '*stabilizationWindowSeconds' },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerBehavior': { 1: 'scaleUp', 2: 'scaleDown' },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerCondition': {
    1: 'type', 2: 'status', 3: 'lastTransitionTime', 4: 'reason', 5: 'message',
  },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': {
    1: 'scaleTargetRef', 2: '*minReplicas', 3: 'maxReplicas', 4: 'metrics', 5: 'behavior',
  },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': {
    1: '*observedGeneration', 2: 'lastScaleTime', 3: 'currentReplicas', 4: 'desiredReplicas', 5: 'currentMetrics',
    6: 'conditions',
  },
  'io.k8s.api.autoscaling.v2.MetricIdentifier': { 1: 'name', 2: 'selector' },
  'io.k8s.api.autoscaling.v2.MetricSpec': {
    1: 'type', 2: 'object', 3: 'pods', 4: 'resource', 5: 'external', 7: 'containerResource',
  },
  'io.k8s.api.autoscaling.v2.MetricStatus': {
    1: 'type', 2: 'object', 3: 'pods', 4: 'resource', 5: 'external', 7: 'containerResource',
  },
  'io.k8s.api.autoscaling.v2.MetricTarget': { 1: 'type', 2: 'value', 3: 'averageValue', 4: '*averageUtilization' },
  'io.k8s.api.autoscaling.v2.MetricValueStatus': { 1: 'value', 2: 'averageValue', 3: '*averageUtilization' },
  'io.k8s.api.autoscaling.v2.ObjectMetricSource': { 1: 'describedObject', 2: 'target', 3: 'metric' },
  'io.k8s.api.autoscaling.v2.ObjectMetricStatus': { 1: 'metric', 2: 'current', 3: 'describedObject' },
  'io.k8s.api.autoscaling.v2.PodsMetricSource': { 1: 'metric', 2: 'target' },
  'io.k8s.api.autoscaling.v2.PodsMetricStatus': { 1: 'metric', 2: 'current' },
  'io.k8s.api.autoscaling.v2.ResourceMetricSource': { 1: 'name', 2: 'target' },
  'io.k8s.api.autoscaling.v2.ResourceMetricStatus': { 1: 'name', 2: 'current' },
  'io.k8s.api.authentication.v1.BoundObjectReference': { 1: 'kind', 2: 'apiVersion', 3: 'name', 4: 'uid' },
  'io.k8s.api.authentication.v1.TokenRequest': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.authentication.v1.TokenRequestSpec': { 1: 'audiences', 3: 'boundObjectRef', 4: '*expirationSeconds' },
  'io.k8s.api.authentication.v1.TokenRequestStatus': { 1: 'token', 2: 'expirationTimestamp' },
  'io.k8s.api.authorization.v1.NonResourceAttributes': { 1: 'path', 2: 'verb' },
  'io.k8s.api.authorization.v1.ResourceAttributes': {
    1: 'namespace', 2: 'verb', 3: 'group', 4: 'version', 5: 'resource', 6: 'subresource', 7: 'name',
  },
  'io.k8s.api.authorization.v1.SelfSubjectAccessReview': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.authorization.v1.SelfSubjectAccessReviewSpec': { 1: 'resourceAttributes', 2: 'nonResourceAttributes' },
  'io.k8s.api.authorization.v1.SelfSubjectRulesReview': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.authorization.v1.SelfSubjectRulesReviewSpec': { 1: 'namespace' },
  'io.k8s.api.authorization.v1.SubjectRulesReviewStatus': {
    1: 'resourceRules', 2: 'nonResourceRules', 3: 'incomplete', 4: 'evaluationError',
  },
  'io.k8s.api.authorization.v1.ResourceRule': { 1: 'verbs', 2: 'apiGroups', 3: 'resources', 4: 'resourceNames' },
  'io.k8s.api.authorization.v1.NonResourceRule': { 1: 'verbs', 2: 'nonResourceURLs' },
  'io.k8s.api.authorization.v1.SubjectAccessReviewStatus': { 1: 'allowed', 2: 'reason', 3: 'evaluationError', 4: 'denied' },
  'io.k8s.api.batch.v1.CronJob': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.batch.v1.CronJobSpec': {
    1: 'schedule', 2: '*startingDeadlineSeconds', 3: 'concurrencyPolicy', 4: '*suspend', 5: 'jobTemplate',
    6: '*successfulJobsHistoryLimit', 7: '*failedJobsHistoryLimit', 8: '*timeZone',
  },
  'io.k8s.api.batch.v1.CronJobStatus': { 1: 'active', 4: 'lastScheduleTime', 5: 'lastSuccessfulTime' },
  'io.k8s.api.batch.v1.Job': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.batch.v1.JobCondition': {
    1: 'type', 2: 'status', 3: 'lastProbeTime', 4: 'lastTransitionTime', 5: 'reason', 6: 'message',
  },
  'io.k8s.api.batch.v1.JobSpec': {
    1: '*parallelism', 2: '*completions', 3: '*activeDeadlineSeconds', 4: 'selector', 5: '*manualSelector',
    6: 'template', 7: '*backoffLimit', 8: '*ttlSecondsAfterFinished', 9: '*completionMode', 10: '*suspend',
    11: 'podFailurePolicy',
  },
  'io.k8s.api.batch.v1.JobStatus': {
    1: 'conditions', 2: 'startTime', 3: 'completionTime', 4: 'active', 5: 'succeeded', 6: 'failed',
    7: 'completedIndexes', 8: 'uncountedTerminatedPods', 9: '*ready',
  },
  'io.k8s.api.batch.v1.JobTemplateSpec': { 1: 'metadata', 2: 'spec' },
  'io.k8s.api.batch.v1.PodFailurePolicy': { 1: 'rules' },
  'io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement': { 1: '*containerName', 2: 'operator', 3: 'values' },
  'io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern': { 1: 'type', 2: 'status' },
  'io.k8s.api.batch.v1.PodFailurePolicyRule': { 1: 'action', 2: 'onExitCodes', 3: 'onPodConditions' },
  'io.k8s.api.batch.v1.UncountedTerminatedPods': { 1: 'succeeded', 2: 'failed' },
  'io.k8s.api.coordination.v1.Lease': { 1: 'metadata', 2: 'spec' },
  'io.k8s.api.coordination.v1.LeaseSpec': {
    1: '*holderIdentity', 2: '*leaseDurationSeconds', 3: '*acquireTime', 4: '*renewTime', 5: '*leaseTransitions',
  },
  'io.k8s.api.core.v1.AWSElasticBlockStoreVolumeSource': { 1: 'volumeID', 2: 'fsType', 3: 'partition', 4: 'readOnly' },
  'io.k8s.api.core.v1.Affinity': { 1: 'nodeAffinity', 2: 'podAffinity', 3: 'podAntiAffinity' },
  'io.k8s.api.core.v1.AttachedVolume': { 1: 'name', 2: 'devicePath' },
  'io.k8s.api.core.v1.AzureDiskVolumeSource': {
    1: 'diskName', 2: 'diskURI', 3: '*cachingMode', 4: '*fsType', 5: '*readOnly', 6: '*kind',
  },
  'io.k8s.api.core.v1.AzureFileVolumeSource': { 1: 'secretName', 2: 'shareName', 3: 'readOnly' },
  'io.k8s.api.core.v1.CSIVolumeSource': {
    1: 'driver', 2: '*readOnly', 3: '*fsType', 4: 'volumeAttributes', 5: 'nodePublishSecretRef',
  },
  'io.k8s.api.core.v1.Capabilities': { 1: 'add', 2: 'drop' },
  'io.k8s.api.core.v1.CephFSVolumeSource': {
    1: 'monitors', 2: 'path', 3: 'user', 4: 'secretFile', 5: 'secretRef', 6: 'readOnly',
  },
  'io.k8s.api.core.v1.CinderVolumeSource': { 1: 'volumeID', 2: 'fsType', 3: 'readOnly', 4: 'secretRef' },
  'io.k8s.api.core.v1.ClaimSource': { 1: '*resourceClaimName', 2: '*resourceClaimTemplateName' },
  'io.k8s.api.core.v1.ClientIPConfig': { 1: '*timeoutSeconds' },
  'io.k8s.api.core.v1.ConfigMap': { 1: 'metadata', 2: 'data', 3: 'binaryData', 4: '*immutable' },
  'io.k8s.api.core.v1.ConfigMapEnvSource': { 1: { 1: 'name' }, 2: '*optional' },
  'io.k8s.api.core.v1.ConfigMapKeySelector': { 1: { 1: 'name' }, 2: 'key', 3: '*optional' },
  'io.k8s.api.core.v1.ConfigMapNodeConfigSource': {
    1: 'namespace', 2: 'name', 3: 'uid', 4: 'resourceVersion', 5: 'kubeletConfigKey',
  },
  'io.k8s.api.core.v1.ConfigMapProjection': { 1: { 1: 'name' }, 2: 'items', 4: '*optional' },
  'io.k8s.api.core.v1.ConfigMapVolumeSource': { 1: { 1: 'name' }, 2: 'items', 3: '*defaultMode', 4: '*optional' },
  'io.k8s.api.core.v1.Container': {
    1: 'name', 2: 'image', 3: 'command', 4: 'args', 5: 'workingDir', 6: 'ports', 7: 'env', 8: 'resources',
    9: 'volumeMounts', 10: 'livenessProbe', 11: 'readinessProbe', 12: 'lifecycle', 13: 'terminationMessagePath',
    14: 'imagePullPolicy', 15: 'securityContext', 16: 'stdin', 17: 'stdinOnce', 18: 'tty', 19: 'envFrom',
    20: 'terminationMessagePolicy', 21: 'volumeDevices', 22: 'startupProbe', 23: 'resizePolicy',
  },
  'io.k8s.api.core.v1.ContainerImage': { 1: 'names', 2: 'sizeBytes' },
  'io.k8s.api.core.v1.ContainerPort': { 1: 'name', 2: 'hostPort', 3: 'containerPort', 4: 'protocol', 5: 'hostIP' },
  'io.k8s.api.core.v1.ContainerResizePolicy': { 1: 'resourceName', 2: 'restartPolicy' },
  'io.k8s.api.core.v1.ContainerState': { 1: 'waiting', 2: 'running', 3: 'terminated' },
  'io.k8s.api.core.v1.ContainerStateRunning': { 1: 'startedAt' },
  'io.k8s.api.core.v1.ContainerStateTerminated': {
    1: 'exitCode', 2: 'signal', 3: 'reason', 4: 'message', 5: 'startedAt', 6: 'finishedAt', 7: 'containerID',
  },
  'io.k8s.api.core.v1.ContainerStateWaiting': { 1: 'reason', 2: 'message' },
  'io.k8s.api.core.v1.ContainerStatus': {
    1: 'name', 2: 'state', 3: 'lastState', 4: 'ready', 5: 'restartCount', 6: 'image', 7: 'imageID', 8: 'containerID',
    9: '*started', 10: 'allocatedResources', 11: 'resources',
  },
  'io.k8s.api.core.v1.DaemonEndpoint': { 1: 'Port' },
  'io.k8s.api.core.v1.DownwardAPIProjection': { 1: 'items' },
  'io.k8s.api.core.v1.DownwardAPIVolumeFile': { 1: 'path', 2: 'fieldRef', 3: 'resourceFieldRef', 4: '*mode' },
  'io.k8s.api.core.v1.DownwardAPIVolumeSource': { 1: 'items', 2: '*defaultMode' },
  'io.k8s.api.core.v1.EmptyDirVolumeSource': { 1: 'medium', 2: '*sizeLimit' },
  'io.k8s.api.core.v1.EndpointAddress': { 1: 'ip', 2: 'targetRef', 3: 'hostname', 4: '*nodeName' },
  'io.k8s.api.core.v1.EndpointPort': { 1: 'name', 2: 'port', 3: 'protocol', 4: '*appProtocol' },
  'io.k8s.api.core.v1.EndpointSubset': { 1: 'addresses', 2: 'notReadyAddresses', 3: 'ports' },
  'io.k8s.api.core.v1.Endpoints': { 1: 'metadata', 2: 'subsets' },
  'io.k8s.api.core.v1.EnvFromSource': { 1: 'prefix', 2: 'configMapRef', 3: 'secretRef' },
  'io.k8s.api.core.v1.EnvVar': { 1: 'name', 2: 'value', 3: 'valueFrom' },
  'io.k8s.api.core.v1.EnvVarSource': { 1: 'fieldRef', 2: 'resourceFieldRef', 3: 'configMapKeyRef', 4: 'secretKeyRef' },
  'io.k8s.api.core.v1.EphemeralContainer': {
    1: {
      1: 'name', 2: 'image', 3: 'command', 4: 'args', 5: 'workingDir', 6: 'ports', 7: 'env', 8: 'resources',
      9: 'volumeMounts', 10: 'livenessProbe', 11: 'readinessProbe', 12: 'lifecycle', 13: 'terminationMessagePath',
      14: 'imagePullPolicy', 15: 'securityContext', 16: 'stdin', 17: 'stdinOnce', 18: 'tty', 19: 'envFrom',
      20: 'terminationMessagePolicy', 21: 'volumeDevices', 22: 'startupProbe', 23: 'resizePolicy',
    },
    2: 'targetContainerName',
  },
  'io.k8s.api.core.v1.EphemeralVolumeSource': { 1: 'volumeClaimTemplate' },
  'io.k8s.api.core.v1.Event': {
    1: 'metadata', 2: 'involvedObject', 3: 'reason', 4: 'message', 5: 'source', 6: 'firstTimestamp', 7: 'lastTimestamp',
    8: 'count', 9: 'type', 10: 'eventTime', 11: 'series', 12: 'action', 13: 'related', 14: 'reportingComponent',
    15: 'reportingInstance',
  },
  'io.k8s.api.core.v1.EventSeries': { 1: 'count', 2: 'lastObservedTime' },
  'io.k8s.api.core.v1.EventSource': { 1: 'component', 2: 'host' },
  'io.k8s.api.core.v1.ExecAction': { 1: 'command' },
  'io.k8s.api.core.v1.FCVolumeSource': { 1: 'targetWWNs', 2: '*lun', 3: 'fsType', 4: 'readOnly', 5: 'wwids' },
  'io.k8s.api.core.v1.FlexVolumeSource': { 1: 'driver', 2: 'fsType', 3: 'secretRef', 4: 'readOnly', 5: 'options' },
  'io.k8s.api.core.v1.FlockerVolumeSource': { 1: 'datasetName', 2: 'datasetUUID' },
  'io.k8s.api.core.v1.GCEPersistentDiskVolumeSource': { 1: 'pdName', 2: 'fsType', 3: 'partition', 4: 'readOnly' },
  'io.k8s.api.core.v1.GRPCAction': { 1: 'port', 2: '*service' },
  'io.k8s.api.core.v1.GitRepoVolumeSource': { 1: 'repository', 2: 'revision', 3: 'directory' },
  'io.k8s.api.core.v1.GlusterfsVolumeSource': { 1: 'endpoints', 2: 'path', 3: 'readOnly' },
  'io.k8s.api.core.v1.HTTPGetAction': { 1: 'path', 2: 'port', 3: 'host', 4: 'scheme', 5: 'httpHeaders' },
  'io.k8s.api.core.v1.HTTPHeader': { 1: 'name', 2: 'value' },
  'io.k8s.api.core.v1.HostAlias': { 1: 'ip', 2: 'hostnames' },
  'io.k8s.api.core.v1.HostPathVolumeSource': { 1: 'path', 2: '*type' },
  'io.k8s.api.core.v1.ISCSIVolumeSource': {
    1: 'targetPortal', 2: 'iqn', 3: 'lun', 4: 'iscsiInterface', 5: 'fsType', 6: 'readOnly', 7: 'portals',
    8: 'chapAuthDiscovery', 10: 'secretRef', 11: 'chapAuthSession', 12: '*initiatorName',
  },
  'io.k8s.api.core.v1.KeyToPath': { 1: 'key', 2: 'path', 3: '*mode' },
  'io.k8s.api.core.v1.Lifecycle': { 1: 'postStart', 2: 'preStop' },
  'io.k8s.api.core.v1.LifecycleHandler': { 1: 'exec', 2: 'httpGet', 3: 'tcpSocket' },
  'io.k8s.api.core.v1.LoadBalancerIngress': { 1: 'ip', 2: 'hostname', 4: 'ports' },
  'io.k8s.api.core.v1.LoadBalancerStatus': { 1: 'ingress' },
  'io.k8s.api.core.v1.LocalObjectReference': { 1: 'name' },
  'io.k8s.api.core.v1.NFSVolumeSource': { 1: 'server', 2: 'path', 3: 'readOnly' },
  'io.k8s.api.core.v1.Namespace': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.core.v1.NamespaceCondition': {
    1: 'type', 2: 'status', 4: 'lastTransitionTime', 5: 'reason', 6: 'message',
  },
  'io.k8s.api.core.v1.NamespaceSpec': { 1: 'finalizers' },
  'io.k8s.api.core.v1.NamespaceStatus': { 1: 'phase', 2: 'conditions' },
  'io.k8s.api.core.v1.Node': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.core.v1.NodeAddress': { 1: 'type', 2: 'address' },
  'io.k8s.api.core.v1.NodeAffinity': {
    1: 'requiredDuringSchedulingIgnoredDuringExecution', 2: 'preferredDuringSchedulingIgnoredDuringExecution',
  },
  'io.k8s.api.core.v1.NodeCondition': {
    1: 'type', 2: 'status', 3: 'lastHeartbeatTime', 4: 'lastTransitionTime', 5: 'reason', 6: 'message',
  },
  'io.k8s.api.core.v1.NodeConfigSource': { 2: 'configMap' },
  'io.k8s.api.core.v1.NodeConfigStatus': { 1: 'assigned', 2: 'active', 3: 'lastKnownGood', 4: 'error' },
  'io.k8s.api.core.v1.NodeDaemonEndpoints': { 1: 'kubeletEndpoint' },
  'io.k8s.api.core.v1.NodeSelector': { 1: 'nodeSelectorTerms' },
  'io.k8s.api.core.v1.NodeSelectorRequirement': { 1: 'key', 2: 'operator', 3: 'values' },
  'io.k8s.api.core.v1.NodeSelectorTerm': { 1: 'matchExpressions', 2: 'matchFields' },
  'io.k8s.api.core.v1.NodeSpec': {
    1: 'podCIDR', 2: 'externalID', 3: 'providerID', 4: 'unschedulable', 5: 'taints', 6: 'configSource', 7: 'podCIDRs',
  },
  'io.k8s.api.core.v1.NodeStatus': {
    1: 'capacity', 2: 'allocatable', 3: 'phase', 4: 'conditions', 5: 'addresses', 6: 'daemonEndpoints', 7: 'nodeInfo',
    8: 'images', 9: 'volumesInUse', 10: 'volumesAttached', 11: 'config',
  },
  'io.k8s.api.core.v1.NodeSystemInfo': {
    1: 'machineID', 2: 'systemUUID', 3: 'bootID', 4: 'kernelVersion', 5: 'osImage', 6: 'containerRuntimeVersion',
    7: 'kubeletVersion', 8: 'kubeProxyVersion', 9: 'operatingSystem', 10: 'architecture',
  },
  'io.k8s.api.core.v1.ObjectFieldSelector': { 1: 'apiVersion', 2: 'fieldPath' },
  'io.k8s.api.core.v1.ObjectReference': {
    1: 'kind', 2: 'namespace', 3: 'name', 4: 'uid', 5: 'apiVersion', 6: 'resourceVersion', 7: 'fieldPath',
  },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': {
    1: 'accessModes', 2: 'resources', 3: 'volumeName', 4: 'selector', 5: '*storageClassName', 6: '*volumeMode',
    7: 'dataSource', 8: 'dataSourceRef',
  },
  'io.k8s.api.core.v1.PersistentVolumeClaim': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.core.v1.PersistentVolumeClaimCondition': {
    1: 'type', 2: 'status', 3: 'lastProbeTime', 4: 'lastTransitionTime', 5: 'reason', 6: 'message',
  },
  'io.k8s.api.core.v1.PersistentVolumeClaimStatus': {
    1: 'phase', 2: 'accessModes', 3: 'capacity', 4: 'conditions', 5: 'allocatedResources', 6: '*resizeStatus',
  },
  'io.k8s.api.core.v1.PersistentVolumeClaimTemplate': { 1: 'metadata', 2: 'spec' },
  'io.k8s.api.core.v1.PersistentVolumeClaimVolumeSource': { 1: 'claimName', 2: 'readOnly' },
  'io.k8s.api.core.v1.PhotonPersistentDiskVolumeSource': { 1: 'pdID', 2: 'fsType' },
  'io.k8s.api.core.v1.Pod': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.core.v1.PodAffinity': {
    1: 'requiredDuringSchedulingIgnoredDuringExecution', 2: 'preferredDuringSchedulingIgnoredDuringExecution',
  },
  'io.k8s.api.core.v1.PodAffinityTerm': {
    1: 'labelSelector', 2: 'namespaces', 3: 'topologyKey', 4: 'namespaceSelector',
  },
  'io.k8s.api.core.v1.PodAntiAffinity': {
    1: 'requiredDuringSchedulingIgnoredDuringExecution', 2: 'preferredDuringSchedulingIgnoredDuringExecution',
  },
  'io.k8s.api.core.v1.PodCondition': {
    1: 'type', 2: 'status', 3: 'lastProbeTime', 4: 'lastTransitionTime', 5: 'reason', 6: 'message',
  },
  'io.k8s.api.core.v1.PodDNSConfig': { 1: 'nameservers', 2: 'searches', 3: 'options' },
  'io.k8s.api.core.v1.PodDNSConfigOption': { 1: 'name', 2: '*value' },
  'io.k8s.api.core.v1.PodIP': { 1: 'ip' },
  'io.k8s.api.core.v1.PodOS': { 1: 'name' },
  'io.k8s.api.core.v1.PodReadinessGate': { 1: 'conditionType' },
  'io.k8s.api.core.v1.PodResourceClaim': { 1: 'name', 2: 'source' },
  'io.k8s.api.core.v1.PodSchedulingGate': { 1: 'name' },
  'io.k8s.api.core.v1.PodSecurityContext': {
    1: 'seLinuxOptions', 2: '*runAsUser', 3: '*runAsNonRoot', 4: 'supplementalGroups', 5: '*fsGroup', 6: '*runAsGroup',
    7: 'sysctls', 8: 'windowsOptions', 9: '*fsGroupChangePolicy', 10: 'seccompProfile',
  },
  'io.k8s.api.core.v1.PodSpec': {
    1: 'volumes', 2: 'containers', 3: 'restartPolicy', 4: '*terminationGracePeriodSeconds', 5: '*activeDeadlineSeconds',
    6: 'dnsPolicy', 7: 'nodeSelector', 8: 'serviceAccountName', 9: 'serviceAccount', 10: 'nodeName', 11: 'hostNetwork',
    12: 'hostPID', 13: 'hostIPC', 14: 'securityContext', 15: 'imagePullSecrets', 16: 'hostname', 17: 'subdomain',
    18: 'affinity', 19: 'schedulerName', 20: 'initContainers', 21: '*automountServiceAccountToken', 22: 'tolerations',
    23: 'hostAliases', 24: 'priorityClassName', 25: '*priority', 26: 'dnsConfig', 27: '*shareProcessNamespace',
    28: 'readinessGates', 29: '*runtimeClassName', 30: '*enableServiceLinks', 31: '*preemptionPolicy', 32: 'overhead',
    33: 'topologySpreadConstraints', 34: 'ephemeralContainers', 35: '*setHostnameAsFQDN', 36: 'os', 37: '*hostUsers',
    38: 'schedulingGates', 39: 'resourceClaims',
  },
  'io.k8s.api.core.v1.PodStatus': {
    1: 'phase', 2: 'conditions', 3: 'message', 4: 'reason', 5: 'hostIP', 6: 'podIP', 7: '*startTime',
    8: 'containerStatuses', 9: 'qosClass', 10: 'initContainerStatuses', 11: 'nominatedNodeName', 12: 'podIPs',
    13: 'ephemeralContainerStatuses', 14: 'resize',
  },
  'io.k8s.api.core.v1.PodTemplateSpec': { 1: 'metadata', 2: 'spec' },
  'io.k8s.api.core.v1.PortStatus': { 1: 'port', 2: 'protocol', 3: '*error' },
  'io.k8s.api.core.v1.PortworxVolumeSource': { 1: 'volumeID', 2: 'fsType', 3: 'readOnly' },
  'io.k8s.api.core.v1.PreferredSchedulingTerm': { 1: 'weight', 2: 'preference' },
  'io.k8s.api.core.v1.Probe': {
    1: { 1: 'exec', 2: 'httpGet', 3: 'tcpSocket', 4: 'grpc' }, 2: 'initialDelaySeconds', 3: 'timeoutSeconds',
    4: 'periodSeconds', 5: 'successThreshold', 6: 'failureThreshold', 7: '*terminationGracePeriodSeconds',
  },
  'io.k8s.api.core.v1.ProjectedVolumeSource': { 1: 'sources', 2: '*defaultMode' },
  'io.k8s.api.core.v1.QuobyteVolumeSource': {
    1: 'registry', 2: 'volume', 3: 'readOnly', 4: 'user', 5: 'group', 6: 'tenant',
  },
  'io.k8s.api.core.v1.RBDVolumeSource': {
    1: 'monitors', 2: 'image', 3: 'fsType', 4: 'pool', 5: 'user', 6: 'keyring', 7: 'secretRef', 8: 'readOnly',
  },
  'io.k8s.api.core.v1.ResourceClaim': { 1: 'name' },
  'io.k8s.api.core.v1.ResourceFieldSelector': { 1: 'containerName', 2: 'resource', 3: 'divisor' },
  'io.k8s.api.core.v1.ResourceRequirements': { 1: 'limits', 2: 'requests', 3: 'claims' },
  'io.k8s.api.core.v1.SELinuxOptions': { 1: 'user', 2: 'role', 3: 'type', 4: 'level' },
  'io.k8s.api.core.v1.ScaleIOVolumeSource': {
    1: 'gateway', 2: 'system', 3: 'secretRef', 4: 'sslEnabled', 5: 'protectionDomain', 6: 'storagePool',
    7: 'storageMode', 8: 'volumeName', 9: 'fsType', 10: 'readOnly',
  },
  'io.k8s.api.core.v1.SeccompProfile': { 1: 'type', 2: '*localhostProfile' },
  'io.k8s.api.core.v1.Secret': { 1: 'metadata', 2: 'data', 3: 'type', 4: 'stringData', 5: '*immutable' },
  'io.k8s.api.core.v1.SecretEnvSource': { 1: { 1: 'name' }, 2: '*optional' },
  'io.k8s.api.core.v1.SecretKeySelector': { 1: { 1: 'name' }, 2: 'key', 3: '*optional' },
  'io.k8s.api.core.v1.SecretProjection': { 1: { 1: 'name' }, 2: 'items', 4: '*optional' },
  'io.k8s.api.core.v1.SecretVolumeSource': { 1: 'secretName', 2: 'items', 3: '*defaultMode', 4: '*optional' },
  'io.k8s.api.core.v1.SecurityContext': {
    1: 'capabilities', 2: '*privileged', 3: 'seLinuxOptions', 4: '*runAsUser', 5: '*runAsNonRoot',
    6: '*readOnlyRootFilesystem', 7: '*allowPrivilegeEscalation', 8: '*runAsGroup', 9: '*procMount',
    10: 'windowsOptions', 11: 'seccompProfile',
  },
  'io.k8s.api.core.v1.Service': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.core.v1.ServiceAccount': {
    1: 'metadata', 2: 'secrets', 3: 'imagePullSecrets', 4: '*automountServiceAccountToken',
  },
  'io.k8s.api.core.v1.ServiceAccountTokenProjection': { 1: 'audience', 2: '*expirationSeconds', 3: 'path' },
  'io.k8s.api.core.v1.ServicePort': {
    1: 'name', 2: 'protocol', 3: 'port', 4: 'targetPort', 5: 'nodePort', 6: '*appProtocol',
  },
  'io.k8s.api.core.v1.ServiceSpec': {
    1: 'ports', 2: 'selector', 3: 'clusterIP', 4: 'type', 5: 'externalIPs', 7: 'sessionAffinity', 8: 'loadBalancerIP',
    9: 'loadBalancerSourceRanges', 10: 'externalName', 11: 'externalTrafficPolicy', 12: 'healthCheckNodePort',
    13: 'publishNotReadyAddresses', 14: 'sessionAffinityConfig', 17: '*ipFamilyPolicy', 18: 'clusterIPs',
    19: 'ipFamilies', 20: '*allocateLoadBalancerNodePorts', 21: '*loadBalancerClass', 22: '*internalTrafficPolicy',
  },
  'io.k8s.api.core.v1.ServiceStatus': { 1: 'loadBalancer', 2: 'conditions' },
  'io.k8s.api.core.v1.SessionAffinityConfig': { 1: 'clientIP' },
  'io.k8s.api.core.v1.StorageOSVolumeSource': {
    1: 'volumeName', 2: 'volumeNamespace', 3: 'fsType', 4: 'readOnly', 5: 'secretRef',
  },
  'io.k8s.api.core.v1.Sysctl': { 1: 'name', 2: 'value' },
  'io.k8s.api.core.v1.TCPSocketAction': { 1: 'port', 2: 'host' },
  'io.k8s.api.core.v1.Taint': { 1: 'key', 2: 'value', 3: 'effect', 4: '*timeAdded' },
  'io.k8s.api.core.v1.Toleration': { 1: 'key', 2: 'operator', 3: 'value', 4: 'effect', 5: '*tolerationSeconds' },
  'io.k8s.api.core.v1.TopologySpreadConstraint': {
    1: 'maxSkew', 2: 'topologyKey', 3: 'whenUnsatisfiable', 4: 'labelSelector', 5: '*minDomains',
    6: '*nodeAffinityPolicy', 7: '*nodeTaintsPolicy', 8: 'matchLabelKeys',
  },
  'io.k8s.api.core.v1.TypedLocalObjectReference': { 1: '*apiGroup', 2: 'kind', 3: 'name' },
  'io.k8s.api.core.v1.TypedObjectReference': { 1: '*apiGroup', 2: 'kind', 3: 'name', 4: '*namespace' },
  'io.k8s.api.core.v1.Volume': {
    1: 'name',
    2: {
      1: 'hostPath', 2: 'emptyDir', 3: 'gcePersistentDisk', 4: 'awsElasticBlockStore', 5: 'gitRepo', 6: 'secret',
      7: 'nfs', 8: 'iscsi', 9: 'glusterfs', 10: 'persistentVolumeClaim', 11: 'rbd', 12: 'flexVolume', 13: 'cinder',
      14: 'cephfs', 15: 'flocker', 16: 'downwardAPI', 17: 'fc', 18: 'azureFile', 19: 'configMap', 20: 'vsphereVolume',
      21: 'quobyte', 22: 'azureDisk', 23: 'photonPersistentDisk', 24: 'portworxVolume', 25: 'scaleIO', 26: 'projected',
      27: 'storageos', 28: 'csi', 29: 'ephemeral',
    },
  },
  'io.k8s.api.core.v1.VolumeDevice': { 1: 'name', 2: 'devicePath' },
  'io.k8s.api.core.v1.VolumeMount': {
    1: 'name', 2: 'readOnly', 3: 'mountPath', 4: 'subPath', 5: '*mountPropagation', 6: 'subPathExpr',
  },
  'io.k8s.api.core.v1.VolumeProjection': { 1: 'secret', 2: 'downwardAPI', 3: 'configMap', 4: 'serviceAccountToken' },
  'io.k8s.api.core.v1.VsphereVirtualDiskVolumeSource': {
    1: 'volumePath', 2: 'fsType', 3: 'storagePolicyName', 4: 'storagePolicyID',
  },
  'io.k8s.api.core.v1.WeightedPodAffinityTerm': { 1: 'weight', 2: 'podAffinityTerm' },
  'io.k8s.api.core.v1.WindowsSecurityContextOptions': {
    1: '*gmsaCredentialSpecName', 2: '*gmsaCredentialSpec', 3: '*runAsUserName', 4: '*hostProcess',
  },
  'io.k8s.api.policy.v1.PodDisruptionBudget': { 1: 'metadata', 2: 'spec', 3: 'status' },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': {
    1: '*minAvailable', 2: 'selector', 3: '*maxUnavailable', 4: '*unhealthyPodEvictionPolicy',
  },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': {
    1: 'observedGeneration', 2: 'disruptedPods', 3: 'disruptionsAllowed', 4: 'currentHealthy', 5: 'desiredHealthy',
    6: 'expectedPods', 7: 'conditions',
  },
  'io.k8s.api.rbac.v1.AggregationRule': { 1: 'clusterRoleSelectors' },
  'io.k8s.api.rbac.v1.ClusterRole': { 1: 'metadata', 2: 'rules', 3: 'aggregationRule' },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': { 1: 'metadata', 2: 'subjects', 3: 'roleRef' },
  'io.k8s.api.rbac.v1.PolicyRule': { 1: 'verbs', 2: 'apiGroups', 3: 'resources', 4: 'resourceNames', 5: 'nonResourceURLs' },
  'io.k8s.api.rbac.v1.Role': { 1: 'metadata', 2: 'rules' },
  'io.k8s.api.rbac.v1.RoleBinding': { 1: 'metadata', 2: 'subjects', 3: 'roleRef' },
  'io.k8s.api.rbac.v1.RoleRef': { 1: 'apiGroup', 2: 'kind', 3: 'name' },
  'io.k8s.api.rbac.v1.Subject': { 1: 'kind', 2: 'apiGroup', 3: 'name', 4: 'namespace' },
  'io.k8s.api.scheduling.v1.PriorityClass': {
    1: 'metadata', 2: 'value', 3: 'globalDefault', 4: 'description', 5: '*preemptionPolicy',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Condition': {
    1: 'type', 2: 'status', 3: 'observedGeneration', 4: 'lastTransitionTime', 5: 'reason', 6: 'message',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': { 1: 'matchLabels', 2: 'matchExpressions' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': { 1: 'key', 2: 'operator', 3: 'values' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry': {
    1: 'manager', 2: 'operation', 3: 'apiVersion', 4: '*time', 6: 'fieldsType', 7: '*fieldsV1', 8: 'subresource',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    1: 'name', 2: 'generateName', 3: 'namespace', 4: 'selfLink', 5: 'uid', 6: 'resourceVersion', 7: 'generation',
    8: 'creationTimestamp', 9: '*deletionTimestamp', 10: '*deletionGracePeriodSeconds', 11: 'labels', 12: 'annotations',
    13: 'ownerReferences', 14: 'finalizers', 17: 'managedFields',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference': {
    1: 'kind', 3: 'name', 4: 'uid', 5: 'apiVersion', 6: '*controller', 7: '*blockOwnerDeletion',
  },
};

const REF_PREFIX = '#/components/schemas/';

// Definitions whose JSON form is a string (or free-form JSON) but whose wire form is a small message of its own.
type Special = 'time' | 'microTime' | 'quantity' | 'intOrString' | 'json';
const SPECIAL: Readonly<Record<string, Special>> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': 'time',
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': 'microTime',
  'io.k8s.apimachinery.pkg.api.resource.Quantity': 'quantity',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 'intOrString',
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': 'json',
  'io.k8s.apimachinery.pkg.runtime.RawExtension': 'json',
};

type Scalar = 'string' | 'bytes' | 'int' | 'bool' | 'double' | 'float';
type Value = { scalar: Scalar } | { special: Special } | { message: string };

export interface FieldPlan {
  name: string;
  /** A map is a repeated key/value entry message on the wire. */
  shape: 'single' | 'list' | 'map';
  value: Value;
  keepZero: boolean;
}

type Compiled = ReadonlyMap<number, FieldPlan | { inline: Compiled }>;

const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;
const SCALAR_WIRE: Readonly<Record<Scalar, number>> = {
  string: LEN,
  bytes: LEN,
  int: VARINT,
  bool: VARINT,
  double: FIXED64,
  float: FIXED32,
};
const wireOf = (value: Value) => ('scalar' in value ? SCALAR_WIRE[value.scalar] : LEN);

function refName(node: SchemaObject): string | undefined {
  const ref = node.$ref ?? (node.allOf?.length === 1 ? node.allOf[0].$ref : undefined);
  return typeof ref === 'string' && ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : undefined;
}

function valueOf(node: SchemaObject | undefined, where: string): Value {
  if (!node) throw new Error(`${where} has no schema`);
  const ref = refName(node);
  if (ref !== undefined) {
    if (Object.hasOwn(SPECIAL, ref)) return { special: SPECIAL[ref] };
    const schemas = allSchemas();
    if (!Object.hasOwn(schemas, ref)) throw new Error(`${where} refers to the missing definition ${ref}`);
    return schemas[ref].properties ? { message: ref } : valueOf(schemas[ref], ref);
  }
  switch (node.type) {
    case 'string':
      return { scalar: node.format === 'byte' ? 'bytes' : 'string' };
    case 'integer':
      return { scalar: 'int' };
    case 'boolean':
      return { scalar: 'bool' };
    case 'number':
      return { scalar: node.format === 'float' ? 'float' : 'double' };
  }
  throw new Error(`${where} has no protobuf form (type ${node.type ?? 'unset'})`);
}

function planOf(definition: string, schema: SchemaObject, name: string, pointer: boolean): FieldPlan {
  const node = schema.properties?.[name] as SchemaObject;
  const where = `${definition}.${name}`;
  // A required (non-omitempty) field keeps its zero value in JSON, as Go's encoder writes it.
  const keepZero = pointer || (schema.required?.includes(name) ?? false);
  if (node.type === 'array') return { name, shape: 'list', value: valueOf(node.items, `${where}[]`), keepZero };
  if (node.type === 'object' && typeof node.additionalProperties === 'object' && refName(node) === undefined) {
    return { name, shape: 'map', value: valueOf(node.additionalProperties, `${where}{}`), keepZero };
  }
  return { name, shape: 'single', value: valueOf(node, where), keepZero };
}

const compiled = new WeakMap<FieldNumbers, Compiled>();

function compile(definition: string, table: FieldNumbers): Compiled {
  const cached = compiled.get(table);
  if (cached) return cached;
  const schemas = allSchemas();
  const schema = Object.hasOwn(schemas, definition) ? schemas[definition] : undefined;
  if (!schema?.properties) throw new Error(`no object definition ${definition} in the schema`);
  const fields = new Map<number, FieldPlan | { inline: Compiled }>();
  for (const [key, entry] of Object.entries(table)) {
    const num = Number(key);
    if (typeof entry === 'object') {
      fields.set(num, { inline: compile(definition, entry) });
      continue;
    }
    const pointer = entry.startsWith('*');
    const name = pointer ? entry.slice(1) : entry;
    if (!Object.hasOwn(schema.properties, name))
      throw new Error(`${definition} has no field "${name}" (protobuf ${num})`);
    fields.set(num, planOf(definition, schema, name, pointer));
  }
  compiled.set(table, fields);
  return fields;
}

/**
 * The decoding plans of a definition's numbered fields (embedded structs' included); throws when a numbered field is
 * missing from the schema or has a type without a protobuf form. Undefined for a definition without a table.
 */
export function messageFields(definition: string): FieldPlan[] | undefined {
  if (!Object.hasOwn(FIELD_NUMBERS, definition)) return undefined;
  const out: FieldPlan[] = [];
  const flatten = (fields: Compiled) => {
    for (const entry of fields.values()) {
      if ('inline' in entry) flatten(entry.inline);
      else out.push(entry);
    }
  };
  flatten(compile(definition, FIELD_NUMBERS[definition]));
  return out;
}

/** A field number missing from a message's table; the JSON path is filled in on the way out. */
class UnknownField extends Error {
  readonly path: string[] = [];

  constructor(
    readonly messageType: string,
    readonly num: number,
  ) {
    super(`field ${num} of ${messageType}`);
  }
}

export const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

class Reader {
  pos = 0;

  constructor(readonly buf: Uint8Array) {}

  get done() {
    return this.pos >= this.buf.length;
  }

  /** Tags and lengths: small enough for a double. */
  varint(): number {
    let result = 0;
    for (let shift = 0; shift < 53; shift += 7) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
    }
    throw new Error('varint too long');
  }

  /** An int32/int64 field: negative numbers are ten-byte two's-complement varints, beyond a double's precision. */
  int64(): number {
    const first = this.buf[this.pos];
    if (first !== undefined && first < 0x80) {
      this.pos++;
      return first;
    }
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return Number(BigInt.asIntN(64, result));
    }
    throw new Error('varint too long');
  }

  bytes(): Uint8Array {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  fixed(size: 4 | 8): number {
    if (this.pos + size > this.buf.length) throw new Error('truncated field');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, size);
    this.pos += size;
    return size === 8 ? view.getFloat64(0, true) : view.getFloat32(0, true);
  }

  /** The next field's number and wire type. */
  tag(): [num: number, wire: number] {
    const tag = this.varint();
    const num = Math.floor(tag / 8);
    if (num === 0) throw new Error('field number 0');
    return [num, tag & 7];
  }
}

const text = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
const isZero = (v: unknown) => v === '' || v === 0 || v === false;

function expectWire(wire: number, expected: number, where: string) {
  if (wire !== expected) throw new Error(`${where} has wire type ${wire}, expected ${expected}`);
}

function readScalar(scalar: Scalar, r: Reader): unknown {
  switch (scalar) {
    case 'string':
      return text(r.bytes());
    case 'bytes':
      return Buffer.from(r.bytes()).toString('base64');
    case 'int':
      return r.int64();
    case 'bool':
      return r.varint() !== 0;
    case 'double':
      return r.fixed(8);
    case 'float':
      return r.fixed(4);
  }
}

// Seconds-precision RFC 3339 for Time, microseconds for MicroTime, as their MarshalJSON writes them; the zero time
// is "unset" (Go writes it as null).
function readTime(bytes: Uint8Array, micro: boolean): string | undefined {
  const r = new Reader(bytes);
  let seconds = 0;
  let nanos = 0;
  while (!r.done) {
    const [num, wire] = r.tag();
    if (num !== 1 && num !== 2)
      throw new UnknownField(`io.k8s.apimachinery.pkg.apis.meta.v1.${micro ? 'MicroTime' : 'Time'}`, num);
    expectWire(wire, VARINT, micro ? 'MicroTime' : 'Time');
    if (num === 1) seconds = r.int64();
    else nanos = r.int64();
  }
  if (!seconds && !nanos) return undefined;
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso}Z`;
}

function readSpecial(special: Special, bytes: Uint8Array): unknown {
  if (special === 'time' || special === 'microTime') return readTime(bytes, special === 'microTime');
  const r = new Reader(bytes);
  if (special === 'quantity') {
    let value = '0';
    while (!r.done) {
      const [num, wire] = r.tag();
      if (num !== 1) throw new UnknownField('io.k8s.apimachinery.pkg.api.resource.Quantity', num);
      expectWire(wire, LEN, 'Quantity');
      value = text(r.bytes());
    }
    return value;
  }
  if (special === 'intOrString') {
    let type = 0;
    let intVal = 0;
    let strVal = '';
    while (!r.done) {
      const [num, wire] = r.tag();
      if (num < 1 || num > 3) throw new UnknownField('io.k8s.apimachinery.pkg.util.intstr.IntOrString', num);
      expectWire(wire, num === 3 ? LEN : VARINT, 'IntOrString');
      if (num === 1) type = r.int64();
      else if (num === 2) intVal = r.int64();
      else strVal = text(r.bytes());
    }
    return type === 1 ? strVal : intVal;
  }
  // FieldsV1 and RawExtension: the JSON document itself, as bytes.
  let raw: Uint8Array | undefined;
  while (!r.done) {
    const [num, wire] = r.tag();
    if (num !== 1) throw new UnknownField('io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1', num);
    expectWire(wire, LEN, 'raw JSON');
    raw = r.bytes();
  }
  return raw?.length ? (JSON.parse(text(raw)) as unknown) : undefined;
}

function readValue(value: Value, r: Reader, segment: string): unknown {
  if ('scalar' in value) return readScalar(value.scalar, r);
  if ('special' in value) return readSpecial(value.special, r.bytes());
  try {
    return decodeMessage(value.message, r.bytes());
  } catch (err) {
    if (err instanceof UnknownField) err.path.unshift(segment);
    throw err;
  }
}

const zeroOf = (value: Value): unknown => {
  if ('message' in value) return {};
  if ('special' in value) return value.special === 'quantity' ? '0' : value.special === 'intOrString' ? 0 : undefined;
  return value.scalar === 'string' || value.scalar === 'bytes' ? '' : value.scalar === 'bool' ? false : 0;
};

function readMapEntry(plan: FieldPlan, bytes: Uint8Array, where: string): [string, unknown] {
  const r = new Reader(bytes);
  let key = '';
  let value: unknown;
  while (!r.done) {
    const [num, wire] = r.tag();
    if (num === 1) {
      expectWire(wire, LEN, `${where} key`);
      key = text(r.bytes());
    } else if (num === 2) {
      expectWire(wire, wireOf(plan.value), `${where} value`);
      value = readValue(plan.value, r, `${plan.name}[${key}]`);
    } else throw new UnknownField(`${where} map entry`, num);
  }
  return [key, value ?? zeroOf(plan.value)];
}

function readField(definition: string, plan: FieldPlan, r: Reader, wire: number, out: Record<string, unknown>) {
  const where = `${definition}.${plan.name}`;
  if (plan.shape === 'map') {
    expectWire(wire, LEN, where);
    const [key, value] = readMapEntry(plan, r.bytes(), where);
    const current = out[plan.name];
    const map = typeof current === 'object' && current !== null ? (current as Record<string, unknown>) : {};
    out[plan.name] = map;
    // Map keys come from the body: "__proto__" stays a plain key, as JSON.parse would leave it.
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
    return;
  }
  if (plan.shape === 'list') {
    const current = out[plan.name];
    const list = Array.isArray(current) ? (current as unknown[]) : [];
    out[plan.name] = list;
    const expected = wireOf(plan.value);
    if (wire === LEN && expected !== LEN) {
      // A packed repeated scalar (proto3 writers pack; Go's gogo-generated code does not).
      const packed = new Reader(r.bytes());
      while (!packed.done) list.push(readValue(plan.value, packed, plan.name));
      return;
    }
    expectWire(wire, expected, where);
    list.push(readValue(plan.value, r, `${plan.name}[${list.length}]`));
    return;
  }
  expectWire(wire, wireOf(plan.value), where);
  const value = readValue(plan.value, r, plan.name);
  if (value === undefined || (!plan.keepZero && isZero(value))) return;
  out[plan.name] = value;
}

function decodeFields(definition: string, fields: Compiled, buf: Uint8Array, out: Record<string, unknown>) {
  const r = new Reader(buf);
  while (!r.done) {
    const [num, wire] = r.tag();
    const entry = fields.get(num);
    if (!entry) throw new UnknownField(definition, num);
    if ('inline' in entry) {
      expectWire(wire, LEN, `${definition} field ${num}`);
      decodeFields(definition, entry.inline, r.bytes(), out);
    } else readField(definition, entry, r, wire, out);
  }
  return out;
}

// A definition without a table: every field it is sent is unknown.
const NO_FIELDS: Compiled = new Map();

function decodeMessage(definition: string, buf: Uint8Array): Record<string, unknown> {
  const fields = Object.hasOwn(FIELD_NUMBERS, definition) ? compile(definition, FIELD_NUMBERS[definition]) : NO_FIELDS;
  return decodeFields(definition, fields, buf, {});
}

interface Envelope {
  apiVersion?: string;
  kind?: string;
  raw?: Uint8Array;
  contentEncoding?: string;
}

// runtime.Unknown and its TypeMeta are wire types only (no OpenAPI definition), so their few fields are read here.
function readEnvelope(buf: Uint8Array): Envelope {
  const r = new Reader(buf);
  const out: Envelope = {};
  while (!r.done) {
    const [num, wire] = r.tag();
    if (num < 1 || num > 4) throw new UnknownField('k8s.io.apimachinery.pkg.runtime.Unknown', num);
    expectWire(wire, LEN, 'runtime.Unknown');
    const bytes = r.bytes();
    if (num === 2) out.raw = bytes;
    else if (num === 3) out.contentEncoding = text(bytes);
    else if (num === 1) {
      const meta = new Reader(bytes);
      while (!meta.done) {
        const [field, metaWire] = meta.tag();
        if (field !== 1 && field !== 2) throw new UnknownField('k8s.io.apimachinery.pkg.runtime.TypeMeta', field);
        expectWire(metaWire, LEN, 'runtime.TypeMeta');
        if (field === 1) out.apiVersion = text(meta.bytes());
        else out.kind = text(meta.bytes());
      }
    }
  }
  return out;
}

function kindDefinition(apiVersion: string | undefined, kind: string): string | undefined {
  let type: { group: string; version: string; kind: string } | undefined = apiVersion ? undefined : typeByKind(kind);
  if (apiVersion) {
    const slash = apiVersion.lastIndexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = apiVersion.slice(slash + 1);
    // A subresource's own kind (TokenRequest) is no served type, but has its definition.
    type = RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.kind === kind) ?? {
      group,
      version,
      kind,
    };
  }
  const name = type && definitionName(type.group, type.version, type.kind);
  return name !== undefined && Object.hasOwn(FIELD_NUMBERS, name) ? name : undefined;
}

function unsupportedField(err: UnknownField, kind: string): ApiError {
  const at = err.path.length ? ` (at ${err.path.join('.')})` : '';
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the protobuf ${kind || 'body'} has field number ${err.num} of ${err.messageType}${at}, ` +
      'which this server does not know (its schema is Kubernetes 1.27); nothing was stored: ' +
      'send the object as application/json',
  );
}

/** Decodes a Kubernetes protobuf request body into the equivalent JSON object. */
export function decodeKubeProtobuf(body: Uint8Array): Record<string, unknown> {
  if (body.length < 4 || !MAGIC.equals(Buffer.from(body.subarray(0, 4)))) {
    throw badRequest('the protobuf body does not start with the Kubernetes "k8s\\0" prefix');
  }
  let envelope: Envelope;
  try {
    envelope = readEnvelope(body.subarray(4));
  } catch (err) {
    if (err instanceof UnknownField) throw unsupportedField(err, '');
    throw badRequest(`the protobuf body is malformed: ${(err as Error).message}`);
  }
  const kind = envelope.kind ?? '';
  if (envelope.contentEncoding) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `protobuf bodies with content encoding "${envelope.contentEncoding}" are not supported; send application/json`,
    );
  }
  const definition = kindDefinition(envelope.apiVersion, kind);
  if (!definition)
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `protobuf bodies of kind "${kind}" are not supported; send application/json`,
    );
  try {
    const object = decodeMessage(definition, envelope.raw ?? new Uint8Array());
    return { apiVersion: envelope.apiVersion, kind, ...object };
  } catch (err) {
    if (err instanceof UnknownField) throw unsupportedField(err, kind);
    throw badRequest(`the protobuf ${kind} is malformed: ${(err as Error).message}`);
  }
}
