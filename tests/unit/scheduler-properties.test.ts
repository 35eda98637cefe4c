import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EntropyTracker, entropyNaive } from '@/lib/scheduler/entropy.ts';
import { createSandbox, type SandboxNode } from '@/lib/scheduler/sandbox.ts';
import { DEFAULT_SCHEDULER_CONFIG } from '@/lib/scheduler/profiles.ts';
import { FILTER_PLUGINS } from '@/lib/scheduler/plugins/index.ts';
import { NodeInfo } from '@/lib/scheduler/node-info.ts';
import { nonZeroRequests, podRequests } from '@/lib/scheduler/resources.ts';
import { typeByKey } from '@/lib/apimachinery/registry.ts';
import { milliCpu, parseQuantity } from '@/lib/apimachinery/quantity.ts';

const PODS = typeByKey('pods');
const NODES = typeByKey('nodes');

const nodeArb = fc.record({
  cpu: fc.constantFrom('1', '2', '4', '8'),
  memory: fc.constantFrom('1Gi', '2Gi', '8Gi'),
  pods: fc.constantFrom('3', '10', '110'),
  tainted: fc.boolean(),
  zone: fc.constantFrom('a', 'b'),
});
const podArb = fc.record({
  cpu: fc.constantFrom('100m', '250m', '500m', '1', '3'),
  memory: fc.constantFrom('64Mi', '256Mi', '1Gi'),
  tolerates: fc.boolean(),
  zone: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
});

describe('scheduler properties', () => {
  it('never over-commits a node, and every bound pod passes every filter on its node', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(nodeArb, { minLength: 1, maxLength: 8 }),
        fc.array(podArb, { minLength: 1, maxLength: 40 }),
        async (nodeSpecs, podSpecs) => {
          const nodes: SandboxNode[] = nodeSpecs.map((n, i) => ({
            name: `n${i}`,
            cpu: n.cpu,
            memory: n.memory,
            pods: n.pods,
            labels: { zone: n.zone },
            taints: n.tainted ? [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] : [],
          }));
          const sandbox = await createSandbox({ nodes, events: false });
          for (const [i, p] of podSpecs.entries()) {
            await sandbox.addPod({
              name: `p${i}`,
              cpu: p.cpu,
              memory: p.memory,
              nodeSelector: p.zone ? { zone: p.zone } : undefined,
              tolerations: p.tolerates ? [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }] : undefined,
            });
          }
          await sandbox.settle();
          sandbox.stop();
          const pods = sandbox.api.list(PODS, 'default').items as any[];
          for (const node of sandbox.api.list(NODES, undefined).items as any[]) {
            const bound = pods.filter((p) => p.spec.nodeName === node.metadata.name);
            const cpu = bound.reduce((s, p) => s + milliCpu(p.spec.containers[0].resources.requests.cpu), 0);
            const memory = bound.reduce((s, p) => s + parseQuantity(p.spec.containers[0].resources.requests.memory), 0);
            expect(cpu).toBeLessThanOrEqual(milliCpu(node.status.allocatable.cpu));
            expect(memory).toBeLessThanOrEqual(parseQuantity(node.status.allocatable.memory));
            expect(bound.length).toBeLessThanOrEqual(Number(node.status.allocatable.pods));
            // Re-check every filter for each pod against the node without that pod.
            for (const pod of bound) {
              const info = new NodeInfo(node);
              for (const other of bound) if (other !== pod) info.addPod(other.metadata.name, other);
              const requests = podRequests(pod);
              const state = { pod, requests, nonZero: nonZeroRequests(requests), data: new Map() };
              const view = { nodes: [info], entropy: new EntropyTracker(), cpuWeight: 0.5 };
              for (const f of Object.values(FILTER_PLUGINS)) {
                f.preFilter?.(state, view);
                expect(
                  f.filter(state, info, view),
                  `${f.name} for ${pod.metadata.name} on ${node.metadata.name}`,
                ).toMatchObject({ ok: true });
              }
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps the incremental entropy equal to the naive formula within 1e-9', () => {
    // Utilisations are 0 (an empty node) or at least one millicore's worth: subnormal floats are not utilisations.
    const utilisation = fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 2, noNaN: true }));
    fc.assert(
      fc.property(
        fc.array(utilisation, { minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(), utilisation), { maxLength: 60 }),
        (values, changes) => {
          const tracker = new EntropyTracker();
          tracker.reset(values);
          const current = [...values];
          for (const [at, next] of changes) {
            const i = at % current.length;
            const predicted = tracker.entropyIf(current[i], next);
            tracker.remove(current[i]);
            tracker.add(next);
            current[i] = next;
            expect(Math.abs(predicted - entropyNaive(current))).toBeLessThan(1e-9);
            expect(Math.abs(tracker.entropy() - entropyNaive(current))).toBeLessThan(1e-9);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('on identical empty nodes, Entropy spreads and Pack stacks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 24 }), async (nodeCount, podCount) => {
        const nodes = Array.from({ length: nodeCount }, (_, i) => ({ name: `n${i}`, cpu: '8', memory: '16Gi' }));
        const place = async (profile: string) => {
          const sandbox = await createSandbox({
            nodes,
            config: { ...DEFAULT_SCHEDULER_CONFIG, defaultProfile: profile },
            events: false,
          });
          for (let i = 0; i < podCount; i++) await sandbox.addPod({ name: `p${i}`, cpu: '250m', memory: '256Mi' });
          await sandbox.settle();
          sandbox.stop();
          const counts = new Map<string, number>();
          for (const p of sandbox.api.list(PODS, 'default').items as any[])
            counts.set(p.spec.nodeName, (counts.get(p.spec.nodeName) ?? 0) + 1);
          return nodes.map((n) => counts.get(n.name) ?? 0);
        };
        const spread = await place('entropy');
        expect(Math.max(...spread) - Math.min(...spread)).toBeLessThanOrEqual(1);
        const packed = await place('pack');
        expect(packed.filter((c) => c > 0).length).toBe(1); // 24 × 250m fits one 8-cpu node
      }),
      { numRuns: 25 },
    );
  });
});
