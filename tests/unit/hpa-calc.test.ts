import { describe, expect, it } from 'vitest';
import {
  MetricsError,
  normalizeWithBehavior,
  resourceReplicas,
  ScaleHistory,
  scaleDownLimit,
  scaleUpLimit,
  type PodSample,
} from '../../lib/controllers/hpa-calc.ts';
import { scaleDownRules, scaleUpRules } from '../../lib/apiserver/kinds/hpa.ts';
import { computePdbStatus, scaledValue } from '../../lib/controllers/disruption.ts';

// The autoscaler's arithmetic (upstream's replica_calculator.go and the behavior rules of horizontal.go) and the
// disruption controller's budget, with time passed in.

const pod = (name: string, usage: number | undefined, extra: Partial<PodSample> = {}): PodSample => ({
  name,
  phase: 'Running',
  deleting: false,
  ready: true,
  request: 100,
  usage,
  ...extra,
});
const cpu50 = { type: 'Utilization' as const, averageUtilization: 50 };

describe('resourceReplicas', () => {
  it('scales by the usage ratio, rounding up', () => {
    expect(resourceReplicas(2, [pod('a', 90), pod('b', 110)], cpu50, 'cpu')).toEqual({
      replicas: 4,
      utilization: 100,
      averageValue: 100,
    });
    expect(resourceReplicas(4, [pod('a', 10), pod('b', 10), pod('c', 10), pod('d', 10)], cpu50, 'cpu').replicas).toBe(
      1,
    );
  });

  it('keeps the count within the 10 % tolerance', () => {
    expect(resourceReplicas(2, [pod('a', 54), pod('b', 54)], cpu50, 'cpu').replicas).toBe(2);
    expect(resourceReplicas(2, [pod('a', 56), pod('b', 56)], cpu50, 'cpu').replicas).toBe(3);
  });

  it('assumes pods without metrics use nothing when scaling up and their request when scaling down', () => {
    // Up: 2 measured at 100 %, 2 missing counted as 0 → 50 %: exactly the target, so no change.
    expect(
      resourceReplicas(4, [pod('a', 100), pod('b', 100), pod('c', undefined), pod('d', undefined)], cpu50, 'cpu')
        .replicas,
    ).toBe(4);
    // Down: 1 measured at 10 %, 1 missing assumed at 100 % → 55 %: the assumption reverses the direction, so keep 2.
    expect(resourceReplicas(2, [pod('a', 10), pod('b', undefined)], cpu50, 'cpu').replicas).toBe(2);
    // Down with the missing one assumed at 100 %: (10+10+10+100)/4 = 32 % → ceil(0.64 × 4) = 3.
    expect(
      resourceReplicas(4, [pod('a', 10), pod('b', 10), pod('c', 10), pod('d', undefined)], cpu50, 'cpu').replicas,
    ).toBe(3);
  });

  it('counts unready pods as idle when scaling up, and ignores failed and deleting ones', () => {
    const pods = [
      pod('a', 200),
      pod('b', 0, { phase: 'Pending', usage: undefined }),
      pod('c', 500, { deleting: true }),
    ];
    // a alone: 200 % → 4; with b counted at 0: 100 % → ceil(2 × 2) = 4.
    expect(resourceReplicas(2, pods, cpu50, 'cpu').replicas).toBe(4);
    expect(resourceReplicas(1, [pod('a', 100), pod('x', 900, { phase: 'Failed' })], cpu50, 'cpu').replicas).toBe(2);
  });

  it('reads AverageValue targets per pod', () => {
    const result = resourceReplicas(
      2,
      [pod('a', 300), pod('b', 300)],
      { type: 'AverageValue', averageValue: 200 },
      'cpu',
    );
    expect(result).toEqual({ replicas: 3, averageValue: 300 });
  });

  it('fails without pods, metrics or requests', () => {
    expect(() => resourceReplicas(1, [], cpu50, 'cpu')).toThrow(MetricsError);
    expect(() => resourceReplicas(1, [pod('a', undefined)], cpu50, 'cpu')).toThrow(/did not receive metrics/);
    expect(() => resourceReplicas(1, [pod('a', 10, { request: undefined })], cpu50, 'cpu')).toThrow(
      /missing request for cpu/,
    );
  });
});

describe('behavior', () => {
  const up = scaleUpRules();
  const down = scaleDownRules(undefined, 300);

  it('limits scale-up by the default policies (4 pods or 100 % per 15 s, whichever is more)', () => {
    const h = new ScaleHistory();
    expect(scaleUpLimit(1, h, up, 0)).toBe(5);
    expect(scaleUpLimit(10, h, up, 0)).toBe(20);
    h.recordScale(10, 20, 0, 15);
    // Within the period, the change already made counts against the limit.
    expect(scaleUpLimit(20, h, up, 5_000)).toBe(20);
    expect(scaleUpLimit(20, h, up, 16_000)).toBe(40);
  });

  it('selects the policy allowing the smallest change with Min, and none with Disabled', () => {
    const h = new ScaleHistory();
    expect(scaleUpLimit(10, h, { ...up, selectPolicy: 'Min' }, 0)).toBe(14);
    expect(scaleUpLimit(10, h, { ...up, selectPolicy: 'Disabled' }, 0)).toBe(10);
    const rules = scaleDownRules({
      policies: [
        { type: 'Pods', value: 2, periodSeconds: 60 },
        { type: 'Percent', value: 50, periodSeconds: 60 },
      ],
    });
    expect(scaleDownLimit(10, h, rules, 0)).toBe(5);
    expect(scaleDownLimit(10, h, { ...rules, selectPolicy: 'Min' }, 0)).toBe(8);
  });

  it('holds a scale-down for the stabilization window, then applies it', () => {
    const h = new ScaleHistory();
    const args = {
      current: 4,
      min: 1,
      max: 10,
      scaleUp: up,
      scaleDown: scaleDownRules({ stabilizationWindowSeconds: 60 }),
    };
    expect(normalizeWithBehavior(h, { ...args, desired: 4 }, 0).replicas).toBe(4);
    const held = normalizeWithBehavior(h, { ...args, desired: 1 }, 30_000);
    expect(held.replicas).toBe(4);
    expect(held.stabilized?.reason).toBe('ScaleDownStabilized');
    const applied = normalizeWithBehavior(h, { ...args, desired: 1 }, 61_000);
    expect(applied).toMatchObject({ replicas: 1, limited: false, reason: 'DesiredWithinRange' });
  });

  it('reports the limits it applied', () => {
    const h = new ScaleHistory();
    const args = { current: 2, min: 1, max: 5, scaleUp: up, scaleDown: down };
    expect(normalizeWithBehavior(h, { ...args, desired: 9 }, 0)).toMatchObject({
      replicas: 5,
      limited: true,
      reason: 'TooManyReplicas',
    });
    const slow = scaleUpRules({ policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] });
    expect(normalizeWithBehavior(new ScaleHistory(), { ...args, scaleUp: slow, desired: 5 }, 0)).toMatchObject({
      replicas: 3,
      reason: 'ScaleUpLimit',
    });
  });
});

describe('disruption budget status', () => {
  const budget = (spec: Record<string, unknown>, status?: Record<string, unknown>) =>
    ({ metadata: { name: 'b', namespace: 'ns', uid: 'u', resourceVersion: '1', generation: 2 }, spec, status }) as any;
  const readyPod = (name: string, ready = true, owner = true) => ({
    metadata: {
      name,
      namespace: 'ns',
      uid: name,
      resourceVersion: '1',
      ...(owner
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs', controller: true }] }
        : {}),
    },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
  const scale = (n: number) => () => ({ uid: 'd', scale: n });

  it('rounds percentages up like intstr.GetScaledValueFromIntOrPercent', () => {
    expect(scaledValue('34%', 3)).toBe(2);
    expect(scaledValue('50%', 3)).toBe(2);
    expect(scaledValue(2, 10)).toBe(2);
  });

  it('counts healthy pods against minAvailable and the owner scale for maxUnavailable', () => {
    const pods = [readyPod('a'), readyPod('b'), readyPod('c', false)];
    const min = computePdbStatus(budget({ minAvailable: 1 }), pods, scale(5), 0).status;
    expect(min).toMatchObject({
      currentHealthy: 2,
      desiredHealthy: 1,
      expectedPods: 3,
      disruptionsAllowed: 1,
      observedGeneration: 2,
    });
    expect(min.conditions?.[0]).toMatchObject({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' });
    const max = computePdbStatus(budget({ maxUnavailable: '20%' }), pods, scale(5), 0).status;
    expect(max).toMatchObject({ expectedPods: 5, desiredHealthy: 4, disruptionsAllowed: 0 });
    expect(max.conditions?.[0]).toMatchObject({ status: 'False', reason: 'InsufficientPods' });
    expect(() => computePdbStatus(budget({ maxUnavailable: 1 }), pods, () => undefined, 0)).toThrow(
      /found no controllers/,
    );
  });

  it('keeps evicted pods out of the healthy count until their deletion is seen or times out', () => {
    const at = '2026-01-01T00:00:00Z';
    const start = Date.parse(at);
    const pods = [readyPod('a'), readyPod('b')];
    const pdb = budget({ minAvailable: 1 }, { disruptedPods: { a: at } });
    const during = computePdbStatus(pdb, pods, scale(2), start + 1000);
    expect(during.status).toMatchObject({ currentHealthy: 1, disruptionsAllowed: 0, disruptedPods: { a: at } });
    expect(during.recheckAt).toBe(start + 120_000);
    const expired = computePdbStatus(pdb, pods, scale(2), start + 121_000);
    expect(expired.status).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 1 });
    expect(expired.status.disruptedPods).toBeUndefined();
  });
});
