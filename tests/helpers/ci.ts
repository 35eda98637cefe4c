import { expect } from 'vitest';
import type { client } from './api.ts';
import { until } from './kubectl.ts';
import type { Pipeline, PipelineRun, PipelineStep, StepStatus } from '@/lib/apps/ci/types.ts';

// What the CI application's integration tests do to pipelines and runs, through the real API of a test server.

type Api = ReturnType<typeof client>;

/** Pipelines and runs in `namespace`; `api` is read at each call (test files assign it in beforeAll). */
export function ciRuns(api: () => Api, namespace = 'default') {
  const base = `/apis/ci.entroos.io/v1/namespaces/${namespace}`;
  const getRun = async (name: string) => (await api().get<PipelineRun>(`${base}/pipelineruns/${name}`)).body;
  return {
    base,
    pipeline: async (name: string, steps: PipelineStep[], more: Partial<Pipeline['spec']> = {}) => {
      const res = await api().post(`${base}/pipelines`, { metadata: { name }, spec: { steps, ...more } });
      expect(res.status, res.text).toBe(201);
    },
    run: async (name: string, pipelineName = name, spec: Partial<PipelineRun['spec']> = {}) => {
      const res = await api().post(`${base}/pipelineruns`, {
        metadata: { name },
        spec: { pipeline: pipelineName, ...spec },
      });
      expect(res.status, res.text).toBe(201);
    },
    getRun,
    /** The run once it has finished (until() answers only a truthy value: the run). */
    finished: async (name: string, timeoutMs = 30_000): Promise<PipelineRun> =>
      (await until(
        async () => {
          const r = await getRun(name);
          return ['Succeeded', 'Failed', 'Cancelled'].includes(r.status?.phase ?? '') ? r : undefined;
        },
        `run ${name} to finish`,
        timeoutMs,
      )) as PipelineRun,
    stepOf: (r: PipelineRun, name: string): StepStatus => r.status!.steps.find((x) => x.name === name)!,
  };
}
