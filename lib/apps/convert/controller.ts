import { readFile, rm } from 'node:fs/promises';
import type { Job } from '../../apimachinery/generated/kinds.ts';
import { isApiError } from '../../apimachinery/errors.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import { typeByKey } from '../../apimachinery/registry.ts';
import { ownerRef } from '../../apimachinery/meta.ts';
import type { ControllerContext } from '../../controllers/context.ts';
import { WorkQueue } from '../../controllers/queue.ts';
import { followResource } from '../../controllers/follow.ts';
import type { CacheListener } from '../../store/watch-cache.ts';
import type { AppController, AppServices } from '../types.ts';
import { engineFor, formatOf, isFormat } from './engines/formats.ts';
import { resultPath, type RunOutcome } from './executor.ts';
import { conversionJob, jobNameOf } from './jobs.ts';
import { fileStoreFor, writeStatus } from './status.ts';
import {
  API_VERSION,
  CONVERSION_LABEL,
  DEFAULT_QUEUE_TIMEOUT_SECONDS,
  isFinished,
  REQUESTED_BY,
  requesterOf,
  RESOURCES,
  type Conversion,
  type Workflow,
  type WorkflowStatus,
} from './types.ts';

// The conversion app's controller. Conversions: each new one gets its Job (Queued); the engine marks it Running
// when its pod starts; when the Job ends, the outcome the engine left (output, attestation, or the failure and its
// reason) becomes the status. A conversion that waits longer than its queue timeout fails with QueueTimeout and
// its Job is deleted. Everything it needs is in the objects and the file store, so conversions in flight carry on
// after a restart: the nodes start the pods still bound to them again, and this controller picks up where the
// Job stands. Workflows: each step becomes a Conversion once the step it reads from has an output.

const WORKFLOW_LABEL = 'convert.entroos.io/workflow';
const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
/** A step's input is named after the step, so the outputs of a fan-out (photo-thumb.webp, photo-large.webp) differ. */
const stepFilename = (filename: string, step: string) => {
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? `${filename.slice(0, dot)}-${step}${filename.slice(dot)}` : `${filename}-${step}`;
};
const labelOf = (o: KubeObject, label: string): string | undefined =>
  (o.metadata.labels as Record<string, string> | undefined)?.[label];
const split = (k: string) => ({ namespace: k.slice(0, k.indexOf('/')), name: k.slice(k.indexOf('/') + 1) });

export function startConvertController({ api, log }: ControllerContext, services?: AppServices): AppController[] {
  const CONVERSIONS = typeByKey(RESOURCES.conversions);
  const WORKFLOWS = typeByKey(RESOURCES.workflows);
  const JOBS = typeByKey('jobs.batch');
  const files = services ? fileStoreFor(services.config) : undefined;

  const conversions = new WorkQueue(reconcile, (k, err) => log.warn({ err, key: k }, 'conversion reconcile failed'));
  const workflows = new WorkQueue(reconcileWorkflow, (k, err) =>
    log.warn({ err, key: k }, 'workflow reconcile failed'),
  );
  const unsubscribe: (() => void)[] = [];
  const follow = (resource: string, onEvent: CacheListener) =>
    unsubscribe.push(followResource(api.cache, resource, onEvent));
  follow(CONVERSIONS.key, (e) => {
    if (e.type !== 'DELETED') conversions.add(key(e.object.metadata.namespace, e.object.metadata.name));
    const wf = labelOf(e.object, WORKFLOW_LABEL);
    if (wf) workflows.add(key(e.object.metadata.namespace, wf));
  });
  follow(JOBS.key, (e) => {
    const name = labelOf(e.object, CONVERSION_LABEL);
    if (name) conversions.add(key(e.object.metadata.namespace, name));
  });
  follow(WORKFLOWS.key, (e) => {
    if (e.type !== 'DELETED') workflows.add(key(e.object.metadata.namespace, e.object.metadata.name));
  });
  // Expired files go once an hour.
  const sweep = setInterval(
    () => void files?.expire().catch((err) => log.warn({ err }, 'file expiry failed')),
    3_600_000,
  );
  sweep.unref();

  async function reconcile(k: string): Promise<void> {
    const { namespace, name } = split(k);
    const conversion = api.peek(CONVERSIONS, namespace, name) as Conversion | undefined;
    if (!conversion || conversion.metadata.deletionTimestamp || isFinished(conversion)) return;
    const job = api.peek(JOBS, namespace, jobNameOf(name)) as (Job & KubeObject) | undefined;
    const ownJob = job?.metadata.ownerReferences?.some((o) => o.uid === conversion.metadata.uid);
    if (!job || !ownJob) return void (await start(conversion));
    const finished = job.status?.conditions?.find(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    if (finished)
      return void (await complete(conversion, finished.type === 'Complete', finished.message ?? finished.reason ?? ''));
    if (conversion.status?.phase !== 'Running') {
      const deadline =
        Date.parse(String(conversion.metadata.creationTimestamp)) +
        (conversion.spec.queueTimeoutSeconds ?? DEFAULT_QUEUE_TIMEOUT_SECONDS) * 1000;
      if (Date.now() >= deadline) return void (await queueTimeout(conversion, job));
      conversions.addAfter(k, deadline - Date.now() + 50);
    }
  }

  async function start(conversion: Conversion): Promise<void> {
    const { namespace, name } = conversion.metadata;
    const from = formatOf(conversion.spec.input.filename);
    const engine = from && isFormat(conversion.spec.target) ? engineFor(from, conversion.spec.target) : undefined;
    if (!engine)
      return void (await fail(
        conversion,
        'UnsupportedPair',
        `cannot convert ${conversion.spec.input.filename} to ${conversion.spec.target}`,
      ));
    const input = await files?.get(conversion.spec.input.digest);
    if (!input)
      return void (await fail(
        conversion,
        'CorruptInput',
        `the input ${conversion.spec.input.digest} is not in the file store (never uploaded, or expired)`,
      ));
    try {
      await api.create(JOBS, namespace, conversionJob(conversion, engine, input.size));
    } catch (err) {
      // Created by an earlier attempt (a restart between the two writes): the Job's event brings it back here.
      if (!(isApiError(err) && err.code === 409)) throw err;
    }
    await writeStatus(api, namespace ?? '', name, (c) =>
      c.status?.phase ? undefined : { phase: 'Queued', engine, job: jobNameOf(name), progress: 0 },
    );
  }

  async function complete(conversion: Conversion, succeeded: boolean, jobMessage: string): Promise<void> {
    let outcome: RunOutcome | undefined;
    if (files) {
      try {
        outcome = JSON.parse(await readFile(resultPath(files, conversion.metadata.uid), 'utf8')) as RunOutcome;
      } catch {
        outcome = undefined;
      }
    }
    const completedAt = outcome?.status.completedAt ?? new Date().toISOString();
    await writeStatus(api, conversion.metadata.namespace ?? '', conversion.metadata.name, (c) => {
      if (isFinished(c)) return undefined;
      const startedAt = outcome?.status.startedAt ?? c.status?.startedAt;
      const runSeconds = startedAt ? Math.max(0, (Date.parse(completedAt) - Date.parse(startedAt)) / 1000) : undefined;
      const base = {
        ...c.status,
        ...(outcome?.status ?? {}),
        completedAt,
        ...(runSeconds !== undefined ? { runSeconds } : {}),
      };
      if (succeeded && outcome?.ok) return { ...base, phase: 'Succeeded', progress: 100 };
      return {
        ...base,
        phase: 'Failed',
        error: outcome?.status.error ?? { reason: 'JobFailed', message: jobMessage || 'the conversion pod failed' },
      };
    });
    if (files) await rm(resultPath(files, conversion.metadata.uid), { force: true });
  }

  async function queueTimeout(conversion: Conversion, job: KubeObject): Promise<void> {
    const limit = conversion.spec.queueTimeoutSeconds ?? DEFAULT_QUEUE_TIMEOUT_SECONDS;
    await api
      .delete(JOBS, job.metadata.namespace, job.metadata.name, { propagationPolicy: 'Background' })
      .catch(() => undefined);
    await fail(conversion, 'QueueTimeout', `no node started it within its queue timeout of ${limit} s`);
  }

  async function fail(
    conversion: Conversion,
    reason: 'QueueTimeout' | 'UnsupportedPair' | 'CorruptInput',
    message: string,
  ) {
    await writeStatus(api, conversion.metadata.namespace ?? '', conversion.metadata.name, (c) =>
      isFinished(c)
        ? undefined
        : { ...c.status, phase: 'Failed', completedAt: new Date().toISOString(), error: { reason, message } },
    );
  }

  async function reconcileWorkflow(k: string): Promise<void> {
    const { namespace, name } = split(k);
    const workflow = api.peek(WORKFLOWS, namespace, name) as Workflow | undefined;
    if (!workflow || workflow.metadata.deletionTimestamp) return;
    const steps: NonNullable<WorkflowStatus['steps']> = [];
    const requester = requesterOf(workflow);
    const byStep = new Map<string, Conversion | undefined>();
    for (const step of workflow.spec.steps) {
      const conversionName = `${name}-${step.name}`.slice(0, 253);
      let conversion = api.peek(CONVERSIONS, namespace, conversionName) as Conversion | undefined;
      const source = step.from === undefined ? undefined : byStep.get(step.from);
      const input =
        step.from === undefined
          ? workflow.spec.input
          : source?.status?.phase === 'Succeeded'
            ? source.status.output
            : undefined;
      if (!conversion && input) {
        try {
          conversion = (await api.create(CONVERSIONS, namespace, {
            apiVersion: API_VERSION,
            kind: 'Conversion',
            metadata: {
              name: conversionName,
              labels: { [WORKFLOW_LABEL]: name },
              // The steps are queued for whoever asked for the workflow.
              ...(requester ? { annotations: { [REQUESTED_BY]: requester } } : {}),
              ownerReferences: [ownerRef(workflow, API_VERSION, 'Workflow')],
            },
            spec: {
              input: { digest: input.digest, filename: stepFilename(input.filename, step.name) },
              target: step.target,
              ...(step.options ? { options: step.options } : {}),
            },
          })) as Conversion;
        } catch (err) {
          // A full queue: try again when it has room.
          if (isApiError(err) && err.code === 429) workflows.addAfter(k, 2000);
          else if (!(isApiError(err) && err.code === 409)) throw err;
        }
      }
      byStep.set(step.name, conversion);
      const upstreamFailed = step.from !== undefined && source?.status?.phase === 'Failed';
      steps.push({
        name: step.name,
        ...(conversion ? { conversion: conversion.metadata.name } : {}),
        ...(conversion?.status?.phase
          ? { phase: conversion.status.phase }
          : upstreamFailed
            ? { phase: 'Failed' as const }
            : {}),
        ...(conversion?.status?.output ? { output: conversion.status.output } : {}),
        ...(conversion?.status?.error
          ? { error: conversion.status.error.message }
          : upstreamFailed
            ? { error: `step ${step.from} failed` }
            : {}),
      });
      if (upstreamFailed) byStep.set(step.name, { status: { phase: 'Failed' } } as Conversion);
    }
    const phase: WorkflowStatus['phase'] = steps.some((s) => s.phase === 'Failed')
      ? 'Failed'
      : steps.every((s) => s.phase === 'Succeeded')
        ? 'Succeeded'
        : 'Running';
    const status: WorkflowStatus = { phase, steps };
    if (JSON.stringify(status) === JSON.stringify(workflow.status)) return;
    try {
      await api.replace(WORKFLOWS, workflow, { ...workflow, status }, 'status');
    } catch (err) {
      if (isApiError(err) && (err.code === 404 || err.code === 409)) return workflows.add(k);
      throw err;
    }
  }

  return [
    {
      stop: () => {
        clearInterval(sweep);
        for (const u of unsubscribe) u();
        conversions.stop();
        workflows.stop();
      },
      idle: async () => {
        await conversions.idle();
        await workflows.idle();
      },
    },
  ];
}
