import { createHash } from 'node:crypto';
import type { StatusCause } from '../../apimachinery/errors.ts';
import { GROUP, type PipelineStep } from './types.ts';

// A step that runs for real (`exec: true`) runs on a standalone agent started with `nko --exec ci`. Its pod asks
// for the `ci` executor (a node without one refuses it), selects the nodes that run one, and carries this plan:
// which artifacts to fetch into the working directory first, which files to upload as outputs after, and which
// cache to restore and save. The agent uploads through the server's step endpoints (http.ts), which note each
// upload's digest on the pod; the controller makes the Artifacts from those notes.

export const EXECUTOR = 'ci';
export const PLAN_ANNOTATION = `${GROUP}/exec-plan`;
/** `sha256:<hex> <size>` of an uploaded output, on the step's pod. */
export const outputAnnotation = (output: string) => `${GROUP}/output.${output}`;
/** `sha256:<hex> <size>` of the cache directory the step saved, on the step's pod. */
export const CACHE_ANNOTATION = `${GROUP}/cache`;
/** The directory (under the step's working directory) that cacheKeys restore and save; $CI_CACHE_DIR. */
export const CACHE_DIR = '.ci-cache';
export const CACHE_MEDIA_TYPE = 'application/vnd.entroos.ci.cache.tar+gzip';

export interface ExecPlan {
  timeoutSeconds: number;
  /** Fetched before the script runs, to `path` in its working directory. */
  inputs: { artifact: string; digest: string; path: string }[];
  /** Uploaded after it exits 0; a missing file fails the step. */
  outputs: { name: string; path: string }[];
  /** Cache artifacts tried in order (the first is the key saved under); absent without cacheKeys. */
  cache?: { keys: string[]; artifacts: string[] };
}

export function parsePlan(text: string | undefined): ExecPlan | undefined {
  if (!text) return undefined;
  try {
    const plan = JSON.parse(text) as ExecPlan;
    return Array.isArray(plan.inputs) && Array.isArray(plan.outputs) && plan.timeoutSeconds > 0 ? plan : undefined;
  } catch {
    return undefined;
  }
}

/** `sha256:<hex> <size>` ↔ its parts. */
export const uploadNote = (u: { digest: string; size: number }) => `${u.digest} ${u.size}`;
export function readUploadNote(text: string | undefined): { digest: string; size: number } | undefined {
  const m = /^(sha256:[a-f0-9]{64}) (\d+)$/.exec(text ?? '');
  return m ? { digest: m[1], size: Number(m[2]) } : undefined;
}

/** `$(params.NAME)` in a cache key, replaced by the run's value (unknown names stay as written). */
export const substituteParams = (text: string, params: Record<string, string>) =>
  text.replace(/\$\(params\.([A-Za-z0-9_.-]+)\)/g, (whole, name: string) => params[name] ?? whole);

/** The Artifact a pipeline's cache under `key` is kept in (one per pipeline and key). */
export const cacheArtifactName = (pipeline: string, key: string) =>
  `ci-cache-${createHash('sha256').update(`${pipeline}\n${key}`).digest('hex').slice(0, 24)}`;

/** Where an input lands: its producer's declared path, else inputs/STEP/OUTPUT. */
export function inputPath(producer: PipelineStep | undefined, input: { step: string; output: string }): string {
  const declared = producer?.outputs?.find((o) => o.name === input.output)?.path;
  return declared && safeRelativePath(declared) ? declared : `inputs/${input.step}/${input.output}`;
}

/** A path a step may write or read: relative, inside its working directory. */
export const safeRelativePath = (path: string) =>
  path.length > 0 && !path.startsWith('/') && !path.split(/[\\/]/).includes('..');

/** What admission refuses in a step that runs for real. */
export function validateExecStep(s: PipelineStep, i: number): StatusCause[] {
  if (!s.exec) return [];
  const causes: StatusCause[] = [];
  (s.outputs ?? []).forEach((o, j) => {
    if (o.path === undefined)
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value: a step that runs for real (exec) uploads each output from its path',
        field: `spec.steps[${i}].outputs[${j}].path`,
      });
    else if (!safeRelativePath(o.path))
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(o.path)}: a path relative to the step's working directory, without ..`,
        field: `spec.steps[${i}].outputs[${j}].path`,
      });
  });
  return causes;
}
