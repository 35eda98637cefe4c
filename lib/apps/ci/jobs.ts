import { createHash } from 'node:crypto';
import type { EnvVar, Job } from '../../apimachinery/generated/kinds.ts';
import { ownerRef } from '../../apimachinery/meta.ts';
import { DEFAULT_TIMEOUT_SECONDS } from './dag.ts';
import { API_VERSION, LABELS, type PipelineRun, type PipelineStep } from './types.ts';

// A step's attempt as a Job: one pod (backoffLimit 0, restartPolicy Never) so each attempt is its own Job and
// the controller counts attempts itself; activeDeadlineSeconds is the step's timeout; the PipelineRun owns the
// Job, so deleting a run (or pruning it from history) takes its Jobs and pods with it.

export const STEP_CONTAINER = 'step';
export const ATTEMPT_ANNOTATION = 'ci.entroos.io/attempt';
const DURATION = 'entroos.io/duration';
const EXIT_CODE = 'entroos.io/exit-code';
const EXIT_CODES = 'entroos.io/exit-codes';

/** The Job of a run's step attempt: readable when short, hashed when the names are long (names ≤ 52). */
export function jobName(run: string, step: string, attempt: number): string {
  const plain = `${run}-${step}-${attempt}`;
  if (plain.length <= 52) return plain;
  const hash = createHash('sha256').update(`${run}/${step}`).digest('hex').slice(0, 8);
  return `${run.slice(0, 40 - hash.length).replace(/[-.]+$/, '')}-${hash}-${attempt}`;
}

/**
 * The annotations the step's pod runs with. On the simulated runtime entroos.io/exit-codes is by attempt: each
 * attempt is a new Job (whose pod is its first), so the attempt's code is picked here. A step without a
 * duration runs for a second (a script would otherwise run until stopped, like a server).
 */
export function podAnnotations(step: PipelineStep, attempt: number): Record<string, string> {
  const a: Record<string, string> = { ...(step.annotations ?? {}) };
  const codes = a[EXIT_CODES];
  if (codes !== undefined) {
    const list = codes.split(',').map((c) => c.trim());
    a[EXIT_CODE] = list[Math.min(attempt - 1, list.length - 1)] ?? '0';
    delete a[EXIT_CODES];
  }
  if (a[DURATION] === undefined) a[DURATION] = '1';
  a[ATTEMPT_ANNOTATION] = String(attempt);
  return a;
}

export function stepJob(
  run: PipelineRun,
  step: PipelineStep,
  attempt: number,
  params: Record<string, string>,
  inputs: { name: string; digest: string }[],
): Job & { metadata: { name: string } } {
  const labels = {
    [LABELS.pipeline]: run.spec.pipeline,
    [LABELS.run]: run.metadata.name,
    [LABELS.step]: step.name,
  };
  const env: EnvVar[] = [
    ...(step.env ?? []).map((e) => ({ name: e.name, value: e.value })),
    ...Object.entries(params).map(([k, v]) => ({
      name: `PARAM_${k.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`,
      value: v,
    })),
    { name: 'CI', value: 'true' },
    { name: 'CI_PIPELINE', value: run.spec.pipeline },
    { name: 'CI_RUN', value: run.metadata.name },
    { name: 'CI_STEP', value: step.name },
    { name: 'CI_ATTEMPT', value: String(attempt) },
    { name: 'CI_INPUTS', value: inputs.map((i) => `${i.name}=${i.digest}`).join(',') },
    ...(run.spec.trigger?.sha ? [{ name: 'CI_COMMIT_SHA', value: run.spec.trigger.sha }] : []),
    ...(step.secrets ?? []).map((s) => ({
      name: s.name,
      valueFrom: { secretKeyRef: { name: s.secretName, key: s.key } },
    })),
  ];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(run.metadata.name, step.name, attempt),
      namespace: run.metadata.namespace,
      labels,
      annotations: { [ATTEMPT_ANNOTATION]: String(attempt) },
      ownerReferences: [ownerRef(run, API_VERSION, 'PipelineRun')],
    },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: step.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      template: {
        metadata: { labels, annotations: podAnnotations(step, attempt) },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: STEP_CONTAINER,
              image: step.image,
              command: step.script ? ['sh', '-ec', step.script] : step.command,
              env,
            },
          ],
        },
      },
    },
  };
}
