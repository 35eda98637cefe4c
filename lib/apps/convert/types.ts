import type { ObjectMeta } from '../../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import type { EngineName } from './engines/formats.ts';
import type { ConvertOptions, FailureReason } from './engines/types.ts';
import type { Envelope } from '../supply-chain/types.ts';

// The shapes of the convert.entroos.io/v1 objects as the CRDs in crds.ts define them.

export const GROUP = 'convert.entroos.io';
export const VERSION = 'v1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export const RESOURCES = {
  conversions: `conversions.${GROUP}`,
  workflows: `workflows.${GROUP}`,
} as const;

/** The label naming a conversion's Job and pod. */
export const CONVERSION_LABEL = `${GROUP}/conversion`;
/**
 * The user a Conversion or Workflow is counted for (its queue is theirs): set by admission from the API request's
 * authenticated user, never by the client; a workflow's steps carry their workflow's.
 */
export const REQUESTED_BY = `${GROUP}/requested-by`;

/** The user `obj` is counted for (its REQUESTED_BY annotation), if any. */
export const requesterOf = (obj: KubeObject): string | undefined =>
  (obj.metadata as ObjectMeta).annotations?.[REQUESTED_BY];
/** Images the conversion pods run: the in-process nodes' executor runs the engine named after the prefix. */
export const IMAGE_PREFIX = 'entroos/convert-';
/**
 * The executor conversion pods ask for (annotation entroos.io/executor): the in-process nodes' and that of agents
 * started with `nko --exec convert`. Any other node refuses the pod instead of simulating it as if it converted.
 */
export const EXECUTOR_NAME = 'convert';

/** Where files are uploaded (tus), and the header the last PATCH answers the stored file's digest in. */
export const UPLOADS_PATH = '/apis/entroos.io/v1/files/uploads';
export const DIGEST_HEADER = 'Upload-Digest';

export const DEFAULT_QUEUE_TIMEOUT_SECONDS = 600;
export const DEFAULT_RUN_TIMEOUT_SECONDS = 120;

export interface FileRef {
  /** sha256:<64 hex>, as the upload answered. */
  digest: string;
  /** The file's name; its extension says its format (checked against its content). */
  filename: string;
}

export type ConversionPhase = 'Queued' | 'Running' | 'Succeeded' | 'Failed';

export interface ConversionSpec {
  input: FileRef;
  /** The format to produce (webp, pdf, json…). */
  target: string;
  options?: ConvertOptions;
  /** How long it may wait for a node before it fails (the run's own time is limited separately). */
  queueTimeoutSeconds?: number;
  /** How long the engine may run once started. */
  runTimeoutSeconds?: number;
}

export interface OutputRef {
  digest: string;
  size: number;
  contentType: string;
  filename: string;
}

export interface ConversionStatus {
  phase?: ConversionPhase;
  engine?: EngineName;
  job?: string;
  pod?: string;
  podUid?: string;
  node?: string;
  progress?: number;
  startedAt?: string;
  completedAt?: string;
  queueSeconds?: number;
  runSeconds?: number;
  output?: OutputRef;
  /** The signed statement about this output (DSSE envelope of an in-toto Statement, signed by the cluster key). */
  attestation?: { keyId: string; envelope: Envelope };
  error?: { reason: FailureReason | 'QueueTimeout' | 'JobFailed'; message: string };
}

export type Conversion = KubeObject & { spec: ConversionSpec; status?: ConversionStatus };

export interface WorkflowStep {
  name: string;
  /** The step whose output this one converts; absent: the workflow's input. */
  from?: string;
  target: string;
  options?: ConvertOptions;
}

export interface WorkflowStatus {
  phase?: 'Running' | 'Succeeded' | 'Failed';
  steps?: { name: string; conversion?: string; phase?: ConversionPhase; output?: OutputRef; error?: string }[];
}

export type Workflow = KubeObject & { spec: { input: FileRef; steps: WorkflowStep[] }; status?: WorkflowStatus };

export const isFinished = (c: Conversion) => c.status?.phase === 'Succeeded' || c.status?.phase === 'Failed';
