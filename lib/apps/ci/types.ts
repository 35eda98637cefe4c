import type { KubeObject } from '../../apimachinery/object.ts';
import type { Envelope } from '../supply-chain/types.ts';

// The shapes of the ci.entroos.io/v1 objects as the CRDs in crds.ts define them.

export const GROUP = 'ci.entroos.io';
export const VERSION = 'v1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export const RESOURCES = {
  pipelines: `pipelines.${GROUP}`,
  runs: `pipelineruns.${GROUP}`,
  artifacts: `artifacts.${GROUP}`,
} as const;

/** Labels the controller puts on what it creates, so a run's Jobs and Artifacts are found without an index. */
export const LABELS = {
  pipeline: `${GROUP}/pipeline`,
  run: `${GROUP}/run`,
  step: `${GROUP}/step`,
  /** On a cache's Artifact (the annotation of that name holds its key). */
  cache: `${GROUP}/cache`,
} as const;

export interface SecretRef {
  /** The variable the value is given as. */
  name: string;
  secretName: string;
  key: string;
}

export interface StepInput {
  /** The step that produced it (one of `needs`, directly or further up). */
  step: string;
  /** That step's output name. */
  output: string;
}

export interface StepOutput {
  name: string;
  /** Where the step writes it (informational on the simulated runtime). */
  path?: string;
  mediaType?: string;
  /** An image this output is the manifest of: the build is attested to the supply chain (see docs/apps/ci.md). */
  image?: string;
}

export interface PipelineStep {
  name: string;
  image: string;
  script?: string;
  command?: string[];
  env?: { name: string; value: string }[];
  secrets?: SecretRef[];
  needs?: string[];
  inputs?: StepInput[];
  outputs?: StepOutput[];
  cacheKeys?: string[];
  /** Seconds one attempt may run (default 600). */
  timeoutSeconds?: number;
  /** Attempts after the first failed one (default 0). */
  retries?: number;
  /** Runs the step once per combination of these values (each gets MATRIX_<KEY>); needs of it wait for all. */
  matrix?: Record<string, string[]>;
  /** Copied to the step's pods: on the simulated runtime entroos.io/duration and entroos.io/exit-code(s). */
  annotations?: Record<string, string>;
  /** Runs the script for real, as a process on a standalone agent started with `nko --exec ci` (exec-plan.ts). */
  exec?: boolean;
}

export interface GithubTrigger {
  /** owner/name as GitHub spells it. */
  repository: string;
  events?: ('push' | 'pull_request')[];
  branches?: string[];
  /** The Secret (in the pipeline's namespace) holding the webhook secret. */
  secretRef: { name: string; key: string };
}

export type Pipeline = KubeObject & {
  spec: {
    description?: string;
    params?: { name: string; default?: string }[];
    steps: PipelineStep[];
    triggers?: { github?: GithubTrigger };
  };
};

export type StepPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Skipped' | 'Cancelled';
export type RunPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Cancelled';

export interface StepAttempt {
  attempt: number;
  job: string;
  pod?: string;
  node?: string;
  startTime: string;
  completionTime?: string;
  exitCode?: number;
  reason?: string;
}

export interface StepStatus {
  name: string;
  phase: StepPhase;
  attempts: number;
  startTime?: string;
  completionTime?: string;
  exitCode?: number;
  message?: string;
  /** The Job of the attempt running now. */
  job?: string;
  node?: string;
  history?: StepAttempt[];
  /** The last attempt's log, copied before its pod goes (its tail when long). */
  log?: string;
  /** Artifact names, by output. */
  outputs?: Record<string, string>;
}

export interface RunTrigger {
  type: 'manual' | 'github' | 'api';
  event?: string;
  repository?: string;
  ref?: string;
  sha?: string;
  deliveryId?: string;
  sender?: string;
}

export type PipelineRun = KubeObject & {
  spec: {
    pipeline: string;
    params?: Record<string, string>;
    trigger?: RunTrigger;
    cancelled?: boolean;
  };
  status?: {
    phase: RunPhase;
    startTime?: string;
    completionTime?: string;
    message?: string;
    steps: StepStatus[];
  };
};

export interface PlacementRef {
  pod: string;
  podUid: string;
  node?: string;
  /** Where its placement proof is listed (the proofs API, by pod). */
  proof: string;
}

export type Artifact = KubeObject & {
  spec: {
    digest: string;
    size: number;
    mediaType: string;
    pipeline: string;
    run: string;
    step: string;
    output: string;
    image?: string;
    provenance: { envelope: Envelope; placement?: PlacementRef };
  };
};
