import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pickExecutors, type AgentExecutor } from '@/lib/kubelet/agent-executors.ts';
import { executorFor, NO_EXECUTOR_EXIT_CODE, type ExecutionRequest } from '@/lib/kubelet/executor.ts';
import { cacheArtifactName, inputPath, validateExecStep } from '@/lib/apps/ci/exec-plan.ts';
import { execPlan } from '@/lib/apps/ci/jobs.ts';
import { runProcess, TIMEOUT_EXIT_CODE } from '@/lib/apps/ci/agent/process.ts';
import type { PipelineStep } from '@/lib/apps/ci/types.ts';
import { until } from '../helpers/kubectl.ts';
import { validateSteps } from '@/lib/apps/ci/dag.ts';

// The pieces of real execution that need no server: choosing executors by name, the plan a real step's pod
// carries, what admission refuses in one, and the process runner's limits and kills.

const offered: AgentExecutor[] = [
  { name: 'ci', description: 'ci', create: () => [] },
  { name: 'convert', description: 'convert', create: () => [] },
];

describe('nko --exec names', () => {
  it('picks the named executors and refuses an unknown name in one line naming the known ones', () => {
    expect(pickExecutors(undefined, offered)).toEqual([]);
    expect((pickExecutors('ci', offered) as AgentExecutor[]).map((e) => e.name)).toEqual(['ci']);
    expect((pickExecutors('convert,ci', offered) as AgentExecutor[]).map((e) => e.name)).toEqual(['ci', 'convert']);
    expect(pickExecutors('ci,gpu', offered)).toEqual({
      error: '--exec must name executors from: ci, convert (got "ci,gpu")',
    });
    expect(pickExecutors('', offered)).toHaveProperty('error');
  });
});

describe('executors by name', () => {
  const run = async () => ({ exitCode: 0 });
  it('gives a pod the executor it names, a refusal when the node has none, and otherwise claims by image prefix', async () => {
    const ci = { name: 'ci', run };
    const convert = { imagePrefix: 'entroos/convert-', run };
    expect(executorFor([ci, convert], 'alpine', 'ci')).toBe(ci);
    expect(executorFor([ci, convert], 'entroos/convert-image')).toBe(convert);
    expect(executorFor([ci], 'alpine')).toBeUndefined();
    const refusal = executorFor([convert], 'alpine', 'ci');
    const lines: string[] = [];
    const result = await refusal!.run({ log: (l: string) => lines.push(l) } as unknown as ExecutionRequest);
    expect(result.exitCode).toBe(NO_EXECUTOR_EXIT_CODE);
    expect(lines[0]).toContain('this node runs no "ci" executor, so nothing was executed');
  });
});

describe('the plan of a real step', () => {
  it('examples/ci/exec-pipeline.yaml is a pipeline admission accepts', () => {
    const file = parse(readFileSync(join(import.meta.dirname, '../../examples/ci/exec-pipeline.yaml'), 'utf8'));
    const steps = file.spec.steps as PipelineStep[];
    expect(steps.every((s) => s.exec)).toBe(true);
    expect([...validateSteps(steps), ...steps.flatMap(validateExecStep)]).toEqual([]);
  });

  const step: PipelineStep = {
    name: 'build',
    image: 'node:20',
    script: 'make',
    exec: true,
    timeoutSeconds: 60,
    outputs: [{ name: 'bin', path: 'out/bin' }],
    cacheKeys: ['npm-$(params.node)-$(params.missing)', 'npm-'],
  };
  it('substitutes params in cache keys and names one cache artifact per pipeline and key', () => {
    const plan = execPlan('app', step, { node: '20' }, [{ name: 'r-lint-report', digest: 'sha256:ab', path: 'r.txt' }]);
    expect(plan).toMatchObject({
      timeoutSeconds: 60,
      inputs: [{ artifact: 'r-lint-report', digest: 'sha256:ab', path: 'r.txt' }],
      outputs: [{ name: 'bin', path: 'out/bin' }],
      cache: { keys: ['npm-20-$(params.missing)', 'npm-'] },
    });
    expect(plan.cache!.artifacts[0]).toBe(cacheArtifactName('app', 'npm-20-$(params.missing)'));
    expect(cacheArtifactName('app', 'k')).not.toBe(cacheArtifactName('other', 'k'));
    expect(cacheArtifactName('app', 'k')).toMatch(/^ci-cache-[a-f0-9]{24}$/);
  });
  it("puts an input at its producer's path when that is a safe relative path", () => {
    expect(inputPath(step, { step: 'build', output: 'bin' })).toBe('out/bin');
    const absolute = { ...step, outputs: [{ name: 'bin', path: '/etc/passwd' }] };
    expect(inputPath(absolute, { step: 'build', output: 'bin' })).toBe('inputs/build/bin');
  });
  it('refuses outputs of a real step without a path or outside its directory', () => {
    const causes = validateExecStep(
      {
        ...step,
        outputs: [{ name: 'a' }, { name: 'b', path: '../x' }, { name: 'c', path: '/tmp/x' }, { name: 'd', path: 'ok' }],
      },
      2,
    );
    expect(causes.map((c) => c.field)).toEqual([
      'spec.steps[2].outputs[0].path',
      'spec.steps[2].outputs[1].path',
      'spec.steps[2].outputs[2].path',
    ]);
    expect(validateExecStep({ ...step, exec: false, outputs: [{ name: 'a' }] }, 0)).toEqual([]);
  });
});

describe('a step process', () => {
  const limits = { timeoutMs: 10_000, maxLines: 5, maxBytes: 10_000, killGraceMs: 500 };
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('keeps its output up to the limit and says how much was dropped', async () => {
    const lines: string[] = [];
    const outcome = await runProcess(
      ['sh', '-c', 'for i in $(seq 1 20); do echo line $i; done; echo oops >&2; exit 4'],
      {
        cwd: '/',
        env: { PATH: process.env.PATH ?? '' },
        signal: new AbortController().signal,
        log: (l) => lines.push(l),
      },
      limits,
    );
    expect(outcome.exitCode).toBe(4);
    expect(lines.slice(0, 5)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    expect(lines[5]).toContain('output limit reached (5 lines or 10000 bytes)');
    expect(lines.at(-1)).toBe('… 16 more line(s) of output were not kept');
  });

  it('kills its whole process group when aborted, and when its time is up', async () => {
    for (const how of ['abort', 'timeout'] as const) {
      const abort = new AbortController();
      const lines: string[] = [];
      let pid = 0;
      const outcome = runProcess(
        ['sh', '-c', 'sleep 30 & echo $!; wait'],
        {
          cwd: '/',
          env: { PATH: process.env.PATH ?? '' },
          signal: abort.signal,
          log: (l) => {
            lines.push(l);
            if (/^\d+$/.test(l)) {
              pid = Number(l);
              if (how === 'abort') abort.abort();
            }
          },
        },
        { ...limits, timeoutMs: how === 'timeout' ? 300 : 10_000 },
      );
      const result = await outcome;
      expect(pid).toBeGreaterThan(0);
      // Its output pipe closed only when the background sleep went too; the kernel reaps it a moment later.
      await until(() => !alive(pid), 'the background sleep to be gone', 2000);
      if (how === 'abort') expect(result).toMatchObject({ killed: 'aborted', exitCode: 143 });
      else {
        expect(result).toEqual({ killed: 'timeout', exitCode: TIMEOUT_EXIT_CODE });
        expect(lines).toContain("timed out after 0 s: killing the step's processes");
      }
    }
  });
});
