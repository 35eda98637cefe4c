import { describe, expect, it } from 'vitest';
import { canonicalName, ImageRegistry } from '../../lib/kubelet/runtime/registry.ts';
import { formatLines, LOG_PERIOD_MS, logLines, type LogRun } from '../../lib/kubelet/runtime/logs.ts';
import { planProbes } from '../../lib/kubelet/runtime/probes.ts';
import { workloadOf, WorkloadError } from '../../lib/kubelet/runtime/workload.ts';
import { draw, stream } from '../../lib/kubelet/runtime/random.ts';

describe('mock registry', () => {
  it('pulls well-formed references and refuses malformed ones', () => {
    const registry = new ImageRegistry();
    const ok = registry.pull('nginx:1.27');
    expect(ok.ok && ok.image.layers).toHaveLength(3);
    expect(registry.pull('Not A//Valid')).toMatchObject({ ok: false, reason: 'InvalidImageName' });
  });

  it('fails marked images by reference or by whole repository, and clears marks', () => {
    const registry = new ImageRegistry({ 'myorg/private': 'unauthorized', 'nginx:9.9': 'missing' });
    expect(registry.pull('myorg/private:1.0')).toMatchObject({
      ok: false,
      reason: 'Unauthorized',
      message: expect.stringContaining('pull access denied'),
    });
    expect(registry.pull('nginx:9.9')).toMatchObject({
      ok: false,
      reason: 'NotFound',
      message: expect.stringContaining('docker.io/library/nginx:9.9: not found'),
    });
    expect(registry.pull('nginx:1.27').ok).toBe(true);
    registry.replaceMarks({});
    expect(registry.pull('myorg/private:1.0').ok).toBe(true);
  });

  it('names images the way a container runtime does', () => {
    expect(canonicalName('nginx')).toBe('docker.io/library/nginx:latest');
    expect(canonicalName('myorg/app:2')).toBe('docker.io/myorg/app:2');
    expect(canonicalName('ghcr.io/org/app:1')).toBe('ghcr.io/org/app:1');
    expect(canonicalName('localhost:5000/app')).toBe('localhost:5000/app:latest');
  });
});

describe('generated logs', () => {
  const run: LogRun = {
    id: 'default/web/main/0',
    image: 'nginx:1.27',
    startedAt: 1_000_000,
    events: [{ at: 1_000_000, text: 'starting nginx:1.27 (container main)' }],
  };
  const now = 1_000_000 + 12 * LOG_PERIOD_MS + 1;

  it('are the same for the same run, and differ between runs', () => {
    const a = logLines(run, { now });
    expect(a).toHaveLength(13);
    expect(logLines(run, { now })).toEqual(a);
    expect(logLines({ ...run, id: 'other' }, { now }).map((l) => l.text)).not.toEqual(a.map((l) => l.text));
    expect(a[1].text).toMatch(/"GET \/\S* HTTP\/1\.1" \d{3} \d+/);
  });

  it('answer tail and since, and stop at the run end', () => {
    expect(logLines(run, { now, limit: 2 }).map((l) => l.at)).toEqual([
      run.startedAt + 11 * LOG_PERIOD_MS,
      run.startedAt + 12 * LOG_PERIOD_MS,
    ]);
    expect(logLines(run, { now, since: run.startedAt + 10 * LOG_PERIOD_MS })).toHaveLength(2);
    const ended = {
      ...run,
      endedAt: run.startedAt + 2 * LOG_PERIOD_MS + 5,
      events: [...run.events, { at: run.startedAt + 2 * LOG_PERIOD_MS + 5, text: 'exiting with code 0' }],
    };
    expect(
      logLines(ended, { now })
        .map((l) => l.text)
        .at(-1),
    ).toBe('exiting with code 0');
    expect(logLines(ended, { now })).toHaveLength(4);
    expect(formatLines(logLines(ended, { now, limit: 1 }), true)).toMatch(
      /^\d{4}-\d\d-\d\dT\S+Z exiting with code 0\n$/,
    );
  });
});

describe('probes', () => {
  const model = workloadOf({ 'entroos.io/ready-after': '12', 'entroos.io/hang-after': '60' }, 'nginx:1.27');

  it('make a container ready at the first successful probe, unready and killed after failureThreshold failures', () => {
    const container = {
      readinessProbe: { httpGet: { path: '/ready', port: 80 }, initialDelaySeconds: 5, periodSeconds: 5 },
      livenessProbe: {
        httpGet: { path: '/healthz', port: 80 },
        initialDelaySeconds: 15,
        periodSeconds: 10,
        failureThreshold: 3,
      },
    };
    const plan = planProbes(container, model, 0);
    expect(plan.readyAt).toBe(15_000); // probes at 5, 10, 15 s: 15 is the first at or after 12 s
    expect(plan.unreadyAt).toBe(70_000); // first failing probe at 60 s, third at 70 s
    expect(plan.killAt).toBe(85_000); // liveness probes at 15, 25, … 65 (first failure), 75, 85
  });

  it('are ready at start without a readiness probe, and a slow start is killed by liveness', () => {
    expect(planProbes({}, model, 1000)).toEqual({ readyAt: 1000, readiness: undefined, liveness: undefined });
    const slow = workloadOf({ 'entroos.io/ready-after': '120' }, 'nginx:1.27');
    const plan = planProbes(
      { livenessProbe: { exec: { command: ['true'] }, periodSeconds: 10, failureThreshold: 3 } },
      slow,
      0,
    );
    expect(plan.killAt).toBe(20_000);
  });
});

describe('workload annotations', () => {
  it('reject malformed values with the annotation named', () => {
    expect(() => workloadOf({ 'entroos.io/fail-rate': '2' }, 'x')).toThrow(/entroos.io\/fail-rate.*from 0 to 1/);
    expect(() => workloadOf({ 'entroos.io/hang-after': '-1' }, 'x')).toThrow(WorkloadError);
    expect(() => workloadOf({ 'entroos.io/duration': 'soon' }, 'x')).toThrow(/entroos.io\/duration/);
    expect(() => workloadOf({ 'entroos.io/ignore-sigterm': 'yes' }, 'x')).toThrow(/"true" or "false"/);
    expect(workloadOf({ 'entroos.io/fail-rate': '0.5', 'entroos.io/ignore-sigterm': 'true' }, 'x')).toMatchObject({
      failRatePerMinute: 0.5,
      ignoreSigterm: true,
    });
  });
});

describe('seeded draws', () => {
  it('repeat for a seed and spread over [0, 1)', () => {
    expect(draw(1, 'a', 2)).toBe(draw(1, 'a', 2));
    expect(draw(1, 'a', 2)).not.toBe(draw(2, 'a', 2));
    const next = stream(42);
    const values = Array.from({ length: 10_000 }, next);
    expect(stream(42)()).toBe(values[0]);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
  });
});
