import type { ControllerContext } from './context.ts';
import { WorkQueue } from './queue.ts';
import { isReady } from './pods.ts';
import {
  MetricsError,
  normalizeWithBehavior,
  resourceReplicas,
  ScaleHistory,
  TOLERANCE,
  type PodSample,
  type ReplicaProposal,
  type ResourceTarget,
} from './hpa-calc.ts';
import type {
  AutoscalingV2HorizontalPodAutoscaler,
  HorizontalPodAutoscalerCondition,
  LabelSelector,
  MetricSpec,
  MetricStatus,
  Pod,
} from '../apimachinery/generated/kinds.ts';
import { clone, timestamp, type KubeObject } from '../apimachinery/meta.ts';
import type { Stored } from '../apimachinery/object.ts';
import { typeByKey, typeByKind, type ResourceType } from '../apimachinery/registry.ts';
import { labelSelector, selectorFromObject } from '../apimachinery/selectors.ts';
import { milliCpu, parseQuantity } from '../apimachinery/quantity.ts';
import { isApiError } from '../apimachinery/errors.ts';
import { scaleDownRules, scaleUpRules } from '../apiserver/kinds/hpa.ts';
import { customScale, withCustomScale } from '../apiserver/crd/resource.ts';
import type { NodeReads } from '../apiserver/node-reads.ts';

// The horizontal pod autoscaler controller: every sync period, for each
// HorizontalPodAutoscaler, reads its target's scale and the resource usage of
// the target's pods (the simulated usage metrics.k8s.io serves), works out
// the replicas the metrics ask for (hpa-calc.ts), applies behavior, writes
// the scale and reports status, conditions and events as upstream does.

const HPAS = typeByKey('horizontalpodautoscalers.autoscaling');
const PODS = typeByKey('pods');
const COMPONENT = 'horizontal-pod-autoscaler';

type Hpa = Stored<AutoscalingV2HorizontalPodAutoscaler>;

/** Pod usage, read as metrics.k8s.io reads it (the API server's NodeReads, narrowed to what is needed). */
export type PodMetricsSource = Pick<NodeReads, 'usage'>;

export interface HpaControllerOptions {
  /** How often every autoscaler is reconciled (--horizontal-pod-autoscaler-sync-period, 15 s). */
  syncPeriodSeconds: number;
  /** The scale-down stabilization window of autoscalers without a behavior (300 s upstream). */
  downscaleStabilizationSeconds: number;
  tolerance?: number;
  /** Milliseconds since the epoch; stabilization windows and policy periods are measured with it. */
  clock?: () => number;
}

interface Scale {
  replicas: number;
  selector: (labels: Record<string, string>) => boolean;
}

const metricName = (resource: string, target: ResourceTarget) =>
  target.type === 'Utilization' ? `${resource} resource utilization (percentage of request)` : `${resource} resource`;

function resourceAmount(resource: string, value: unknown): number {
  return resource === 'cpu' ? milliCpu(value) : parseQuantity(value);
}

function formatAmount(resource: string, amount: number): string {
  return resource === 'cpu' ? `${Math.round(amount)}m` : String(Math.round(amount));
}

/** The autoscaler's conditions with one set (lastTransitionTime kept while the status stays). */
function setCondition(
  conditions: HorizontalPodAutoscalerCondition[],
  type: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
  now: number,
) {
  const i = conditions.findIndex((c) => c.type === type);
  const old = i >= 0 ? conditions[i] : undefined;
  const next = {
    type,
    status,
    reason,
    message,
    lastTransitionTime:
      old?.status === status && old.lastTransitionTime ? old.lastTransitionTime : timestamp(new Date(now)),
  };
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
}

export function startHpaController(
  ctx: ControllerContext,
  metrics: PodMetricsSource | undefined,
  options: HpaControllerOptions,
) {
  const { api, events, log } = ctx;
  const clock = options.clock ?? Date.now;
  const tolerance = options.tolerance ?? TOLERANCE;
  const histories = new Map<string, ScaleHistory>();
  const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  const queue = new WorkQueue(reconcile, (key, err) => log.warn({ err, key }, 'autoscaler reconcile failed'));

  const enqueueAll = () => {
    for (const hpa of api.cache.list(HPAS.key).items) queue.add(keyOf(hpa));
  };
  enqueueAll();
  const unsubscribe = api.cache.watch({ resource: HPAS.key }, api.cache.resourceVersion, (e) => {
    if (e.type === 'DELETED') histories.delete(e.object.metadata.uid);
    // A new or changed spec is looked at at once; status writes (this controller's) wait for the next period.
    else if (e.type === 'ADDED' || e.previous?.metadata.generation !== e.object.metadata.generation)
      queue.add(keyOf(e.object));
  });
  const timer = setInterval(enqueueAll, options.syncPeriodSeconds * 1000);
  timer.unref();

  function targetType(hpa: Hpa): ResourceType | undefined {
    const ref = hpa.spec?.scaleTargetRef;
    if (!ref) return undefined;
    const t = typeByKind(ref.kind, ref.apiVersion);
    return t?.subresources.includes('scale') ? t : undefined;
  }

  function scaleOf(t: ResourceType, target: KubeObject): Scale {
    if (t.crd) {
      const scale = customScale(t, target);
      return { replicas: scale.spec?.replicas ?? 0, selector: labelSelector(scale.status?.selector ?? '') };
    }
    const spec = target.spec as { replicas?: number; selector?: LabelSelector } | undefined;
    return { replicas: spec?.replicas ?? 0, selector: selectorFromObject(spec?.selector) };
  }

  async function samples(namespace: string, scale: Scale, resource: string): Promise<PodSample[]> {
    const pods = api.cache
      .list(PODS.key, namespace)
      .items.filter((p) => scale.selector((p.metadata.labels ?? {}) as Record<string, string>)) as Stored<Pod>[];
    const nodes = [...new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => Boolean(n)))];
    const usage = metrics && nodes.length ? await metrics.usage(nodes) : undefined;
    return pods.map((pod) => {
      const containers = pod.spec?.containers ?? [];
      let request: number | undefined = 0;
      for (const c of containers) {
        const r = c.resources?.requests?.[resource];
        request = r === undefined || request === undefined ? undefined : request + resourceAmount(resource, r);
      }
      // As metrics-server: only running pods are measured.
      const measured = pod.status?.phase === 'Running' ? usage?.pod(pod) : undefined;
      const used = measured?.reduce((n, c) => n + (resource === 'cpu' ? c.cpuMilli : c.memoryBytes), 0);
      return {
        name: pod.metadata.name,
        phase: pod.status?.phase ?? 'Pending',
        deleting: Boolean(pod.metadata.deletionTimestamp),
        ready: isReady(pod),
        request: containers.length ? request : undefined,
        usage: used,
      };
    });
  }

  async function reconcile(key: string) {
    const [namespace, name] = key.split('/');
    const hpa = api.peek(HPAS, namespace, name) as Hpa | undefined;
    if (!hpa?.spec || hpa.metadata.deletionTimestamp) return;
    const now = clock();
    const spec = hpa.spec;
    const conditions = clone(hpa.status?.conditions ?? []);
    const status: Hpa['status'] & object = {
      ...clone(hpa.status ?? { desiredReplicas: 0 }),
      observedGeneration: hpa.metadata.generation,
    };
    const history = histories.get(hpa.metadata.uid) ?? new ScaleHistory();
    histories.set(hpa.metadata.uid, history);
    const ref = spec.scaleTargetRef;
    const t = targetType(hpa);
    const target = t && api.peek(t, namespace, ref.name);
    if (!t || !target) {
      const why = !t
        ? `no matches for kind "${ref.kind}" in group "${(ref.apiVersion ?? '').split('/').slice(0, -1).join('/')}" with a scale subresource`
        : `${t.plural}${t.group ? `.${t.group}` : ''} "${ref.name}" not found`;
      setCondition(
        conditions,
        'AbleToScale',
        'False',
        'FailedGetScale',
        `the HPA controller was unable to get the target's current scale: ${why}`,
        now,
      );
      events.record(hpa, 'Warning', 'FailedGetScale', why, COMPONENT);
      await writeStatus(hpa, { ...status, conditions });
      return;
    }
    const scale = scaleOf(t, target);
    setCondition(
      conditions,
      'AbleToScale',
      'True',
      'SucceededGetScale',
      "the HPA controller was able to get the target's current scale",
      now,
    );
    const current = scale.replicas;
    const min = spec.minReplicas ?? 1;
    const max = spec.maxReplicas;
    let desired = current;
    let rescaleReason = '';
    let metricStatuses: MetricStatus[] = status.currentMetrics ?? [];
    let computed = false;
    if (current === 0 && min !== 0) {
      desired = 0;
      setCondition(
        conditions,
        'ScalingActive',
        'False',
        'ScalingDisabled',
        'scaling is disabled since the replica count of the target is zero',
        now,
      );
    } else if (current > max) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desired = max;
    } else if (current < min) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desired = min;
    } else {
      const result = await computeReplicas(hpa, scale, current, conditions, now);
      metricStatuses = result.statuses;
      if (result.replicas === undefined) {
        events.record(
          hpa,
          'Warning',
          'FailedComputeMetricsReplicas',
          `invalid metrics (${result.invalid} invalid out of ${spec.metrics?.length ?? 0}), first error is: ${result.error}`,
          COMPONENT,
        );
        await writeStatus(hpa, {
          ...status,
          currentReplicas: current,
          desiredReplicas: status.desiredReplicas ?? current,
          currentMetrics: metricStatuses,
          conditions,
        });
        return;
      }
      computed = true;
      const normalized = normalizeWithBehavior(
        history,
        {
          current,
          desired: result.replicas,
          min,
          max,
          scaleUp: scaleUpRules(spec.behavior?.scaleUp),
          scaleDown: scaleDownRules(spec.behavior?.scaleDown, options.downscaleStabilizationSeconds),
        },
        now,
      );
      desired = normalized.replicas;
      if (normalized.stabilized)
        setCondition(
          conditions,
          'AbleToScale',
          'True',
          normalized.stabilized.reason,
          normalized.stabilized.message,
          now,
        );
      else
        setCondition(
          conditions,
          'AbleToScale',
          'True',
          'ReadyForNewScale',
          'recommended size matches current size',
          now,
        );
      setCondition(
        conditions,
        'ScalingLimited',
        normalized.limited ? 'True' : 'False',
        normalized.reason,
        normalized.message,
        now,
      );
      rescaleReason = desired > current ? `${result.metric} above target` : 'All metrics below target';
    }
    if (!computed && desired !== current) {
      const [reason, message] =
        desired > current
          ? ['TooFewReplicas', 'the desired replica count is less than the minimum replica count']
          : ['TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
      setCondition(conditions, 'ScalingLimited', 'True', reason, message, now);
    }
    if (desired !== current) {
      try {
        const next = t.crd ? withCustomScale(t, target, desired) : clone(target);
        if (!t.crd) (next.spec as { replicas?: number }).replicas = desired;
        await api.replace(t, target, next, undefined, { subresource: 'scale' });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        setCondition(
          conditions,
          'AbleToScale',
          'False',
          'FailedUpdateScale',
          `the HPA controller was unable to update the target scale: ${message}`,
          now,
        );
        events.record(
          hpa,
          'Warning',
          'FailedRescale',
          `New size: ${desired}; reason: ${rescaleReason}; error: ${message}`,
          COMPONENT,
        );
        await writeStatus(hpa, {
          ...status,
          currentReplicas: current,
          desiredReplicas: status.desiredReplicas ?? current,
          currentMetrics: metricStatuses,
          conditions,
        });
        throw err;
      }
      setCondition(
        conditions,
        'AbleToScale',
        'True',
        'SucceededRescale',
        `the HPA controller was able to update the target scale to ${desired}`,
        now,
      );
      events.record(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${rescaleReason}`, COMPONENT);
      const longest = Math.max(
        ...[...scaleUpRules(spec.behavior?.scaleUp).policies, ...scaleDownRules(spec.behavior?.scaleDown).policies].map(
          (p) => p.periodSeconds,
        ),
      );
      history.recordScale(current, desired, now, longest);
      status.lastScaleTime = timestamp(new Date(now));
    }
    await writeStatus(hpa, {
      ...status,
      currentReplicas: current,
      desiredReplicas: desired,
      currentMetrics: metricStatuses,
      conditions,
    });
  }

  /** computeReplicasForMetrics: the largest proposal of the metrics, or undefined when they cannot be trusted. */
  async function computeReplicas(
    hpa: Hpa,
    scale: Scale,
    current: number,
    conditions: HorizontalPodAutoscalerCondition[],
    now: number,
  ): Promise<{ replicas?: number; metric: string; statuses: MetricStatus[]; invalid: number; error?: string }> {
    const specs = hpa.spec?.metrics ?? [];
    const statuses: MetricStatus[] = [];
    let best: number | undefined;
    let bestMetric = '';
    let invalid = 0;
    let firstInvalid: { reason: string; message: string } | undefined;
    for (const m of specs) {
      try {
        const { proposal, status, metric } = await computeMetric(hpa, m, scale, current);
        statuses.push(status);
        if (best === undefined || proposal.replicas > best) {
          best = proposal.replicas;
          bestMetric = metric;
        }
      } catch (err) {
        statuses.push({ type: '' });
        invalid++;
        const reason = failureReason(m.type);
        firstInvalid ??= {
          reason,
          message: `the HPA was unable to compute the replica count: ${(err as Error).message}`,
        };
        if (!(err instanceof MetricsError)) log.warn({ err }, 'autoscaler metric failed');
      }
    }
    if (firstInvalid && (invalid >= specs.length || (best !== undefined && best < current))) {
      setCondition(conditions, 'ScalingActive', 'False', firstInvalid.reason, firstInvalid.message, now);
      return { metric: '', statuses, invalid, error: firstInvalid.message };
    }
    setCondition(
      conditions,
      'ScalingActive',
      'True',
      'ValidMetricFound',
      `the HPA was able to successfully calculate a replica count from ${bestMetric}`,
      now,
    );
    return { replicas: best ?? current, metric: bestMetric, statuses, invalid };
  }

  async function computeMetric(
    hpa: Hpa,
    m: MetricSpec,
    scale: Scale,
    current: number,
  ): Promise<{ proposal: ReplicaProposal; status: MetricStatus; metric: string }> {
    if (m.type !== 'Resource' || !m.resource) {
      const source = m.pods ?? m.object ?? m.external ?? m.containerResource;
      const named = source && 'metric' in source ? source.metric.name : (source as { name?: string } | undefined)?.name;
      throw new MetricsError(
        `unable to get metric ${named ?? ''}: EntroOS serves resource metrics (metrics.k8s.io) only; ${m.type} metrics need a custom or external metrics API`,
      );
    }
    const resource = m.resource.name;
    if (resource !== 'cpu' && resource !== 'memory')
      throw new MetricsError(
        `unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`,
      );
    const t = m.resource.target;
    const target: ResourceTarget =
      t.type === 'Utilization'
        ? { type: 'Utilization', averageUtilization: t.averageUtilization ?? 0 }
        : { type: 'AverageValue', averageValue: resourceAmount(resource, t.averageValue ?? 0) };
    const pods = await samples(hpa.metadata.namespace ?? '', scale, resource);
    const proposal = resourceReplicas(current, pods, target, resource, tolerance);
    return {
      proposal,
      metric: metricName(resource, target),
      status: {
        type: 'Resource',
        resource: {
          name: resource,
          current: {
            ...(proposal.utilization !== undefined ? { averageUtilization: proposal.utilization } : {}),
            averageValue: formatAmount(resource, proposal.averageValue),
          },
        },
      },
    };
  }

  async function writeStatus(hpa: Hpa, status: Hpa['status'] & object) {
    const order = ['AbleToScale', 'ScalingActive', 'ScalingLimited'];
    status.conditions = [...(status.conditions ?? [])].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
    if (JSON.stringify(status) === JSON.stringify(hpa.status)) return;
    const next = clone(hpa);
    next.status = status;
    try {
      await api.update(HPAS, hpa.metadata.namespace, hpa.metadata.name, next, 'status');
    } catch (err) {
      // Deleted, or changed meanwhile: the next sync reports on the newer object.
      if (isApiError(err) && (err.code === 404 || err.code === 409)) return;
      throw err;
    }
  }

  return {
    queue,
    stop: () => {
      clearInterval(timer);
      queue.stop();
      unsubscribe();
    },
  };
}

function failureReason(type: string): string {
  switch (type) {
    case 'Resource':
      return 'FailedGetResourceMetric';
    case 'Pods':
      return 'FailedGetPodsMetric';
    case 'Object':
      return 'FailedGetObjectMetric';
    case 'External':
      return 'FailedGetExternalMetric';
    case 'ContainerResource':
      return 'FailedGetContainerResourceMetric';
    default:
      return 'InvalidMetricSourceType';
  }
}
