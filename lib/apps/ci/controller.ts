import type { Job, Pod } from '../../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import { jsonEqual } from '../../apimachinery/patch.ts';
import { lookupKey, typeByKey } from '../../apimachinery/registry.ts';
import { isApiError } from '../../apimachinery/errors.ts';
import { ownerRef, timestamp } from '../../apimachinery/meta.ts';
import type { ControllerContext } from '../../controllers/context.ts';
import { isFinishedJob } from '../../controllers/job.ts';
import { WorkQueue } from '../../controllers/queue.ts';
import type { AppController, AppServices } from '../types.ts';
import { ArtifactStore, artifactDir } from './artifact-store.ts';
import { DEFAULT_TIMEOUT_SECONDS, expandMatrix, readiness, topologicalOrder } from './dag.ts';
import { STEP_CONTAINER, stepJob, type StepJobInput } from './jobs.ts';
import {
  CACHE_ANNOTATION,
  CACHE_MEDIA_TYPE,
  cacheArtifactName,
  EXECUTOR,
  inputPath,
  outputAnnotation,
  parsePlan,
  PLAN_ANNOTATION,
  readUploadNote,
} from './exec-plan.ts';
import { mediaTypeOf, simulatedOutput } from './outputs.ts';
import { provenanceOf, signProvenance } from './provenance.ts';
import { ciSettings, type CiSettings } from './settings.ts';
import {
  API_VERSION,
  LABELS,
  RESOURCES,
  type Artifact,
  type Pipeline,
  type PipelineRun,
  type PipelineStep,
  type StepAttempt,
  type StepStatus,
} from './types.ts';

// Runs pipelines. Each PipelineRun is reconciled from what is stored — its status, its Jobs in the watch cache —
// and nothing about it stays in this controller between reconciles, so memory does not grow with the runs it has
// seen (argo-workflows #14084). A step whose needs succeeded gets a Job per attempt; a finished attempt's pod log
// is copied into the run's status before its Job (and pod) is deleted, so a failed step's log outlives its pod
// (argo-workflows #13237); a succeeded step's outputs become content-addressed Artifacts with signed provenance.
// A finished run's pipeline keeps its newest ENTROOS_CI_RUNS_KEPT finished runs; older ones are deleted, their
// Jobs and Artifacts with them (owner references), and unreferenced artifact files are collected periodically.

const FINISHED = new Set(['Succeeded', 'Failed', 'Cancelled']);
const STEP_DONE = new Set(['Succeeded', 'Failed', 'Skipped', 'Cancelled']);
const LOG_LIMIT = 16 * 1024;

const split = (k: string) => {
  const at = k.indexOf('/');
  return { namespace: k.slice(0, at), name: k.slice(at + 1) };
};

/** An artifact's object name: the run, step and output (names the CRD patterns keep short enough). */
export const artifactName = (run: string, step: string, output: string) => `${run}-${step}-${output}`;

export function startCiController(
  { api, log, owners, events }: ControllerContext,
  services?: AppServices,
  overrides: Partial<CiSettings> = {},
): AppController[] {
  const settings = { ...ciSettings(), ...overrides };
  const RUNS = typeByKey(RESOURCES.runs);
  const PIPELINES = typeByKey(RESOURCES.pipelines);
  const ARTIFACTS = typeByKey(RESOURCES.artifacts);
  const JOBS = typeByKey('jobs.batch');
  const pods = owners.acquire('pods');
  const store = new ArtifactStore(artifactDir(services?.backupDir ?? './data/backups'));

  const queue = new WorkQueue(reconcile, (k, err) => log.warn({ err, key: k }, 'pipeline run reconcile failed'));
  const unsubscribe: (() => void)[] = [];
  const runs = api.cache.list(RUNS.key);
  for (const r of runs.items as PipelineRun[])
    if (!FINISHED.has(r.status?.phase ?? '')) queue.add(`${r.metadata.namespace}/${r.metadata.name}`);
  unsubscribe.push(
    api.cache.watch({ resource: RUNS.key }, runs.resourceVersion, (e) => {
      if (e.type === 'DELETED') return;
      const r = e.object as PipelineRun;
      if (FINISHED.has(r.status?.phase ?? '')) return;
      queue.add(`${r.metadata.namespace}/${r.metadata.name}`);
    }),
  );
  const jobs = api.cache.list(JOBS.key);
  unsubscribe.push(
    api.cache.watch({ resource: JOBS.key }, jobs.resourceVersion, (e) => {
      const run = (e.object.metadata.labels as Record<string, string> | undefined)?.[LABELS.run];
      if (!run) return;
      if (e.type === 'DELETED' || isFinishedJob(e.object as Job)) queue.add(`${e.object.metadata.namespace}/${run}`);
    }),
  );
  // Files no Artifact names any more (their runs were pruned) go on a timer, after a grace period.
  const gc = setInterval(
    () => void collectGarbage().catch((err) => log.warn({ err }, 'artifact GC failed')),
    settings.gcIntervalMs,
  );
  gc.unref();

  async function collectGarbage() {
    const referenced = new Set((api.cache.list(ARTIFACTS.key).items as Artifact[]).map((a) => a.spec.digest));
    const removed = await store.collect(referenced, settings.gcGraceMs);
    if (removed.files) log.info(removed, 'collected unreferenced CI artifacts');
  }

  async function reconcile(k: string): Promise<void> {
    const { namespace, name } = split(k);
    const run = api.peek(RUNS, namespace, name) as PipelineRun | undefined;
    if (!run || run.metadata.deletionTimestamp || FINISHED.has(run.status?.phase ?? '')) return;
    const pipeline = api.peek(PIPELINES, namespace, run.spec.pipeline) as Pipeline | undefined;
    const now = timestamp();
    const status: NonNullable<PipelineRun['status']> = structuredClone(run.status ?? { phase: 'Pending', steps: [] });
    status.startTime ??= now;
    const finishedJobs: string[] = [];
    if (!pipeline) {
      status.phase = 'Failed';
      status.message = `pipeline "${run.spec.pipeline}" not found in namespace "${namespace}"`;
      status.completionTime = now;
    } else {
      const steps = expandMatrix(pipeline.spec.steps);
      const defs = new Map(steps.map((s) => [s.name, s]));
      // A step the pipeline no longer has (it was edited) would wait forever.
      status.steps = status.steps.filter((s) => defs.has(s.name));
      const byName = new Map(status.steps.map((s) => [s.name, s]));
      for (const s of steps)
        if (!byName.has(s.name)) {
          const st: StepStatus = { name: s.name, phase: 'Pending', attempts: 0 };
          status.steps.push(st);
          byName.set(s.name, st);
        }
      const params = paramsOf(pipeline, run);
      for (const stepName of topologicalOrder(steps)) {
        const step = defs.get(stepName);
        const st = byName.get(stepName);
        if (!step || !st || STEP_DONE.has(st.phase)) continue;
        if (run.spec.cancelled) {
          if (st.phase === 'Running' && st.job) {
            await deleteJob(namespace, st.job);
            closeAttempt(st, { reason: 'Cancelled' });
          }
          st.phase = st.phase === 'Running' ? 'Cancelled' : 'Skipped';
          st.message = 'the run was cancelled';
          st.completionTime = now;
          st.job = undefined;
          continue;
        }
        if (st.phase === 'Pending') {
          const ready = readiness(step, (n) => byName.get(n)?.phase);
          if (ready === 'blocked') {
            st.phase = 'Skipped';
            st.message = `skipped: ${(step.needs ?? []).filter((n) => byName.get(n)?.phase !== 'Succeeded').join(', ')} did not succeed`;
            st.completionTime = now;
          } else if (ready === 'ready') await startAttempt(run, pipeline, step, st, params, byName);
          continue;
        }
        const job = st.job ? (api.peek(JOBS, namespace, st.job) as (Job & KubeObject) | undefined) : undefined;
        if (job && !isFinishedJob(job)) continue;
        if (job) finishedJobs.push(job.metadata.name);
        await finishAttempt(run, pipeline, step, st, job, params, byName);
      }
      const phases = status.steps.map((s) => s.phase);
      if (phases.some((p) => p === 'Pending' || p === 'Running')) status.phase = 'Running';
      else {
        status.completionTime = now;
        if (run.spec.cancelled) {
          status.phase = 'Cancelled';
          status.message = 'cancelled';
        } else if (phases.every((p) => p === 'Succeeded')) {
          status.phase = 'Succeeded';
          status.message = `${phases.length} steps succeeded`;
        } else {
          status.phase = 'Failed';
          status.message = `failed: ${status.steps
            .filter((s) => s.phase === 'Failed')
            .map((s) => `${s.name} (${s.message ?? 'failed'})`)
            .join(', ')}`;
        }
      }
    }
    // Fields cleared by assigning undefined are dropped, as JSON would (the schema refuses a null).
    const next = JSON.parse(JSON.stringify(status)) as typeof status;
    if (!jsonEqual(next, run.status)) {
      try {
        await api.replace(RUNS, run, { ...run, status: next }, 'status');
      } catch (err) {
        // Changed meanwhile: its own event queues it again (the Jobs stay until then, so nothing is lost).
        if (isApiError(err) && (err.code === 404 || err.code === 409)) return;
        throw err;
      }
    }
    for (const job of finishedJobs) await deleteJob(namespace, job);
    if (FINISHED.has(status.phase)) {
      events.record(
        run,
        status.phase === 'Succeeded' ? 'Normal' : 'Warning',
        `Run${status.phase}`,
        status.message ?? status.phase,
        'ci-controller',
      );
      await prune(namespace, run.spec.pipeline);
    }
  }

  async function startAttempt(
    run: PipelineRun,
    pipeline: Pipeline,
    step: PipelineStep,
    st: StepStatus,
    params: Record<string, string>,
    byName: Map<string, StepStatus>,
  ) {
    const attempt = st.attempts + 1;
    let inputs: StepJobInput[];
    try {
      inputs = inputsOf(run, step, byName, pipeline);
    } catch (err) {
      // An input artifact deleted behind the run's back: the step cannot run, and retrying will not bring it back.
      st.phase = 'Failed';
      st.message = (err as Error).message;
      st.completionTime = timestamp();
      return;
    }
    const job = stepJob(run, step, attempt, params, inputs);
    try {
      await api.create(JOBS, run.metadata.namespace, job);
    } catch (err) {
      // Created by a reconcile whose status write lost a race: the Job is the one this attempt wants.
      if (!(isApiError(err) && err.code === 409)) throw err;
    }
    const now = timestamp();
    st.phase = 'Running';
    st.attempts = attempt;
    st.job = job.metadata.name;
    st.startTime ??= now;
    st.message = undefined;
    st.history = [...(st.history ?? []), { attempt, job: job.metadata.name, startTime: now }];
  }

  async function finishAttempt(
    run: PipelineRun,
    pipeline: Pipeline,
    step: PipelineStep,
    st: StepStatus,
    job: (Job & KubeObject) | undefined,
    params: Record<string, string>,
    byName: Map<string, StepStatus>,
  ) {
    const pod = job ? newestPod(job) : undefined;
    const terminated = pod?.status?.containerStatuses?.find((c) => c.name === STEP_CONTAINER)?.state?.terminated;
    const conditions = job?.status?.conditions ?? [];
    const succeeded = conditions.some((c) => c.type === 'Complete' && c.status === 'True');
    const failure = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
    const timeout = step.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    const reason = !job
      ? 'JobDeleted'
      : succeeded
        ? 'Completed'
        : failure?.reason === 'DeadlineExceeded'
          ? 'Timeout'
          : (terminated?.reason ?? failure?.reason ?? 'Failed');
    const exitCode = terminated?.exitCode;
    const node = pod?.spec?.nodeName;
    closeAttempt(st, { reason, exitCode, pod: pod?.metadata.name, node });
    st.node = node;
    st.exitCode = exitCode;
    st.log = await logOf(run, step, st, pod, reason);
    st.job = undefined;
    if (succeeded) {
      try {
        st.outputs = await produceOutputs(run, pipeline, step, st, pod, params, byName);
        st.phase = 'Succeeded';
        st.message = undefined;
      } catch (err) {
        st.phase = 'Failed';
        st.message = `its outputs could not be stored: ${(err as Error).message}`;
      }
      st.completionTime = timestamp();
      return;
    }
    const why =
      reason === 'Timeout'
        ? step.exec && !node
          ? `timed out after ${timeout}s waiting for a node that runs the ${EXECUTOR} executor (start one: npx nko --exec ${EXECUTOR})`
          : `timed out after ${timeout}s`
        : reason === 'JobDeleted'
          ? 'its Job was deleted'
          : `exited with code ${exitCode ?? 'unknown'} (${reason})`;
    if (st.attempts <= (step.retries ?? 0)) {
      await startAttempt(run, pipeline, step, st, params, byName);
      if (st.phase === 'Running') st.message = `attempt ${st.attempts - 1} ${why}; retrying`;
      return;
    }
    st.phase = 'Failed';
    st.message = st.attempts > 1 ? `${why} (attempt ${st.attempts} of ${st.attempts})` : why;
    st.completionTime = timestamp();
  }

  function closeAttempt(st: StepStatus, result: Partial<StepAttempt>) {
    const last = st.history?.at(-1);
    if (!last || last.completionTime) return;
    Object.assign(last, Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined)));
    last.completionTime = timestamp();
  }

  function newestPod(job: KubeObject): (Pod & KubeObject) | undefined {
    const owned = pods.owned(job.metadata.uid) as (Pod & KubeObject)[];
    return owned
      .sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)))
      .at(-1);
  }

  async function logOf(
    run: PipelineRun,
    step: PipelineStep,
    st: StepStatus,
    pod: (Pod & KubeObject) | undefined,
    reason: string,
  ): Promise<string> {
    const last = st.history?.at(-1);
    const header = `# ${run.metadata.name}/${step.name} attempt ${st.attempts}: ${reason}${
      last?.exitCode !== undefined ? `, exit code ${last.exitCode}` : ''
    }${last?.node ? ` on node ${last.node}` : ''}\n`;
    let body = '';
    if (pod && services) {
      try {
        body = (await services.nodes.logs(pod, STEP_CONTAINER, { tailLines: 500 }))?.text ?? '';
      } catch (err) {
        body = `(the log could not be read: ${(err as Error).message})\n`;
      }
    }
    const text = header + body;
    return text.length > LOG_LIMIT ? `…${text.slice(text.length - LOG_LIMIT)}` : text;
  }

  function inputsOf(
    run: PipelineRun,
    step: PipelineStep,
    byName: Map<string, StepStatus>,
    pipeline?: Pipeline,
  ): StepJobInput[] {
    const out: StepJobInput[] = [];
    for (const input of step.inputs ?? []) {
      const name = byName.get(input.step)?.outputs?.[input.output];
      const artifact = name ? (api.peek(ARTIFACTS, run.metadata.namespace, name) as Artifact | undefined) : undefined;
      if (!name || !artifact)
        throw new Error(`input ${input.step}/${input.output} of step ${step.name} has no artifact`);
      const producer = pipeline?.spec.steps.find((s) => s.name === input.step);
      out.push({ name, digest: artifact.spec.digest, path: inputPath(producer, input) });
    }
    return out;
  }

  function namespaceUsage(namespace: string): { bytes: number; digests: Set<string> } {
    const digests = new Set<string>();
    let bytes = 0;
    for (const a of api.cache.list(ARTIFACTS.key, namespace).items as Artifact[]) {
      if (digests.has(a.spec.digest)) continue;
      digests.add(a.spec.digest);
      bytes += a.spec.size;
    }
    return { bytes, digests };
  }

  async function produceOutputs(
    run: PipelineRun,
    pipeline: Pipeline,
    step: PipelineStep,
    st: StepStatus,
    pod: (Pod & KubeObject) | undefined,
    params: Record<string, string>,
    byName: Map<string, StepStatus>,
  ): Promise<Record<string, string> | undefined> {
    const cache = step.exec ? readUploadNote(pod?.metadata.annotations?.[CACHE_ANNOTATION]) : undefined;
    if (!step.outputs?.length && !cache) return undefined;
    if (!services) throw new Error('this controller has no signing key (started without the platform services)');
    const namespace = run.metadata.namespace ?? '';
    const inputs = inputsOf(run, step, byName);
    const made = { run, pipeline, step, st, pod, params, inputs, signer: services.clusterKey };
    const out: Record<string, string> = {};
    for (const output of step.outputs ?? []) {
      const name = artifactName(run.metadata.name, step.name, output.name);
      out[output.name] = name;
      if (api.peek(ARTIFACTS, namespace, name)) continue;
      // A real step's outputs were uploaded by its agent (the pod notes their digests); a simulated one's are made.
      const stored = step.exec
        ? uploadedOutput(pod, output.name)
        : await store.put(
            simulatedOutput(
              pipeline.metadata.name,
              step,
              output,
              inputs.map((i) => i.digest),
            ),
          );
      const image = output.image ? `${output.image}@${stored.digest}` : undefined;
      const envelope = await recordArtifact(made, {
        name,
        output: output.name,
        mediaType: mediaTypeOf(output),
        image,
        ...stored,
      });
      if (image) await attestBuild(namespace, name, image, stored.digest, envelope);
    }
    if (cache) await saveCache(made, cache);
    return step.outputs?.length ? out : undefined;
  }

  function uploadedOutput(pod: (Pod & KubeObject) | undefined, output: string) {
    const note = readUploadNote(pod?.metadata.annotations?.[outputAnnotation(output)]);
    if (!note) throw new Error(`output "${output}" was not uploaded by the agent that ran the step`);
    return note;
  }

  interface Made {
    run: PipelineRun;
    pipeline: Pipeline;
    step: PipelineStep;
    st: StepStatus;
    pod: (Pod & KubeObject) | undefined;
    params: Record<string, string>;
    inputs: StepJobInput[];
    signer: AppServices['clusterKey'];
  }

  /** Records stored content as an Artifact with signed provenance (quota checked), answering the envelope. */
  async function recordArtifact(
    m: Made,
    a: {
      name: string;
      output: string;
      mediaType: string;
      image?: string;
      digest: string;
      size: number;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    },
  ): Promise<Artifact['spec']['provenance']['envelope']> {
    const { run, pipeline, step, st, pod, signer } = m;
    const namespace = run.metadata.namespace ?? '';
    const usage = namespaceUsage(namespace);
    if (!usage.digests.has(a.digest) && usage.bytes + a.size > settings.quotaBytes)
      throw new Error(
        `namespace "${namespace}" would hold ${usage.bytes + a.size} bytes of artifacts, over its quota of ${settings.quotaBytes} (ENTROOS_CI_ARTIFACT_QUOTA_BYTES)`,
      );
    const last = st.history?.at(-1);
    const placement = pod
      ? {
          pod: pod.metadata.name,
          podUid: pod.metadata.uid,
          node: pod.spec?.nodeName,
          proof: `/apis/entroos.io/v1/proofs?namespace=${namespace}&pod=${pod.metadata.name}`,
        }
      : undefined;
    const statement = provenanceOf(
      {
        namespace,
        artifact: a.name,
        digest: a.digest,
        pipeline: pipeline.metadata.name,
        run: run.metadata.name,
        step: step.name,
        attempt: st.attempts,
        image: step.image,
        script: step.script,
        command: step.command,
        params: m.params,
        trigger: run.spec.trigger as Record<string, unknown> | undefined,
        inputs: m.inputs.map((i) => ({ name: i.name, digest: i.digest })),
        placement,
        startedOn: last?.startTime,
        finishedOn: last?.completionTime ?? timestamp(),
      },
      signer.keyId,
    );
    const envelope = signProvenance(statement, {
      keyId: signer.keyId,
      publicKeyPem: signer.publicKeyPem,
      sign: (data) => signer.sign(data),
    });
    const artifact = {
      apiVersion: API_VERSION,
      kind: 'Artifact',
      metadata: {
        name: a.name,
        namespace,
        labels: {
          [LABELS.pipeline]: pipeline.metadata.name,
          [LABELS.run]: run.metadata.name,
          [LABELS.step]: step.name,
          ...a.labels,
        },
        ...(a.annotations ? { annotations: a.annotations } : {}),
        ownerReferences: [ownerRef(run, API_VERSION, 'PipelineRun')],
      },
      spec: {
        digest: a.digest,
        size: a.size,
        mediaType: a.mediaType,
        pipeline: pipeline.metadata.name,
        run: run.metadata.name,
        step: step.name,
        output: a.output,
        ...(a.image ? { image: a.image } : {}),
        provenance: { envelope, ...(placement ? { placement } : {}) },
      },
    };
    try {
      await api.create(ARTIFACTS, namespace, artifact);
    } catch (err) {
      if (!(isApiError(err) && err.code === 409)) throw err;
    }
    return envelope;
  }

  /**
   * The cache directory a real step saved, kept as the Artifact of its first cache key (owned by this run, so it
   * goes when the run leaves the history, and counts against the quota like any artifact). A cache that cannot be
   * kept is a warning, not the step's failure.
   */
  async function saveCache(m: Made, stored: { digest: string; size: number }) {
    const plan = parsePlan(m.pod?.metadata.annotations?.[PLAN_ANNOTATION]);
    const key = plan?.cache?.keys[0];
    if (!plan?.cache || key === undefined) return;
    const namespace = m.run.metadata.namespace ?? '';
    const name = cacheArtifactName(m.pipeline.metadata.name, key);
    const old = api.peek(ARTIFACTS, namespace, name) as Artifact | undefined;
    if (old?.spec.digest === stored.digest) return;
    try {
      if (old) await api.delete(ARTIFACTS, namespace, name);
      await recordArtifact(m, {
        name,
        output: 'cache',
        mediaType: CACHE_MEDIA_TYPE,
        labels: { [LABELS.cache]: 'true' },
        annotations: { [LABELS.cache]: key },
        ...stored,
      });
    } catch (err) {
      events.record(m.run, 'Warning', 'CacheNotSaved', `cache "${key}": ${(err as Error).message}`, 'ci-controller');
    }
  }

  /**
   * An image output's provenance, handed to the supply-chain verifier as a build Attestation when the namespace
   * registered the cluster key as a builder participant (docs/apps/ci.md): then pods in enforcing namespaces may
   * run the image. Without that participant nothing is attested (the CI does not grant itself the builder role).
   */
  async function attestBuild(
    namespace: string,
    name: string,
    image: string,
    digest: string,
    envelope: Artifact['spec']['provenance']['envelope'],
  ) {
    const attestations = lookupKey('attestations.supplychain.entroos.io');
    const participants = lookupKey('participants.supplychain.entroos.io');
    if (!attestations || !participants || !api.peek(participants, namespace, settings.builderParticipant)) return;
    try {
      await api.create(attestations, namespace, {
        apiVersion: 'supplychain.entroos.io/v1',
        kind: 'Attestation',
        metadata: { name: `${name}-build`, labels: { [LABELS.run]: name } },
        spec: { participant: settings.builderParticipant, action: 'build', digest, image, envelope },
      });
    } catch (err) {
      if (!(isApiError(err) && err.code === 409)) log.warn({ err, namespace, image }, 'could not attest a CI build');
    }
  }

  async function deleteJob(namespace: string, name: string) {
    try {
      await api.delete(JOBS, namespace, name, { propagationPolicy: 'Background' });
    } catch (err) {
      if (!(isApiError(err) && err.code === 404)) throw err;
    }
  }

  /** Keeps a pipeline's newest `runsKept` finished runs (their Jobs and Artifacts go with the others). */
  async function prune(namespace: string, pipeline: string) {
    const finished = (api.cache.list(RUNS.key, namespace).items as PipelineRun[])
      .filter(
        (r) => r.spec.pipeline === pipeline && FINISHED.has(r.status?.phase ?? '') && !r.metadata.deletionTimestamp,
      )
      .sort(
        (a, b) =>
          String(a.status?.completionTime).localeCompare(String(b.status?.completionTime)) ||
          String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) ||
          a.metadata.name.localeCompare(b.metadata.name),
      );
    for (const r of finished.slice(0, Math.max(0, finished.length - settings.runsKept))) {
      try {
        await api.delete(RUNS, namespace, r.metadata.name, { propagationPolicy: 'Background' });
      } catch (err) {
        if (!(isApiError(err) && err.code === 404)) throw err;
      }
    }
  }

  return [
    {
      stop: () => {
        clearInterval(gc);
        for (const u of unsubscribe) u();
        queue.stop();
        pods.release();
      },
      idle: () => queue.idle(),
    },
  ];
}

/** The pipeline's declared params with their defaults, overridden by the run's values. */
export function paramsOf(pipeline: Pipeline, run: PipelineRun): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pipeline.spec.params ?? []) if (p.default !== undefined) out[p.name] = p.default;
  return { ...out, ...(run.spec.params ?? {}) };
}
