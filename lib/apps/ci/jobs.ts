import { createHash } from 'node:crypto';
import type { EnvVar, Job } from '../../apimachinery/generated/kinds.ts';
import { ownerRef } from '../../apimachinery/meta.ts';
import { EXECUTOR_ANNOTATION, EXECUTOR_NODE_LABEL } from '../../kubelet/executor.ts';
import { DEFAULT_TIMEOUT_SECONDS } from './dag.ts';
import { cacheArtifactName, EXECUTOR, PLAN_ANNOTATION, substituteParams, type ExecPlan } from './exec-plan.ts';
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
  if (a[DURATION] === undefined && !step.exec) a[DURATION] = '1';
  a[ATTEMPT_ANNOTATION] = String(attempt);
  return a;
}

/** What the agent running a real step fetches, uploads and caches (exec-plan.ts). */
export function execPlan(
  pipeline: string,
  step: PipelineStep,
  params: Record<string, string>,
  inputs: StepJobInput[],
): ExecPlan {
  const keys = (step.cacheKeys ?? []).map((k) => substituteParams(k, params)).filter(Boolean);
  return {
    timeoutSeconds: step.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    inputs: inputs.map((i) => ({ artifact: i.name, digest: i.digest, path: i.path ?? `inputs/${i.name}` })),
    outputs: (step.outputs ?? []).map((o) => ({ name: o.name, path: o.path ?? o.name })),
    ...(keys.length ? { cache: { keys, artifacts: keys.map((k) => cacheArtifactName(pipeline, k)) } } : {}),
  };
}

/** An input artifact of an attempt: its name and digest, and where a real step finds it. */
export interface StepJobInput {
  name: string;
  digest: string;
  path?: string;
}

export function stepJob(
  run: PipelineRun,
  step: PipelineStep,
  attempt: number,
  params: Record<string, string>,
  inputs: StepJobInput[],
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
        metadata: {
          labels,
          annotations: {
            ...podAnnotations(step, attempt),
            ...(step.exec
              ? {
                  [EXECUTOR_ANNOTATION]: EXECUTOR,
                  [PLAN_ANNOTATION]: JSON.stringify(execPlan(run.spec.pipeline, step, params, inputs)),
                }
              : {}),
          },
        },
        spec: {
          restartPolicy: 'Never',
          // Only the nodes of agents started with `nko --exec ci` run it; it waits (until its timeout) for one.
          ...(step.exec ? { nodeSelector: { [`${EXECUTOR_NODE_LABEL}${EXECUTOR}`]: 'true' } } : {}),
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
