import { z } from 'zod';
import { badRequest, conflict, notFound, tooLarge } from '../../apimachinery/errors.ts';
import type { Pod } from '../../apimachinery/generated/kinds.ts';
import { typeByKey } from '../../apimachinery/registry.ts';
import type { ObjectApi } from '../../apiserver/object-api.ts';
import type { AppRoute, AppRouteServices } from '../types.ts';
import { ENV } from './executor.ts';
import { markRunning, outputName, recordFailure, recordOutput, reportProgress, type Placement } from './run.ts';
import { fileStoreFor } from './status.ts';
import {
  CONVERSION_LABEL,
  DEFAULT_RUN_TIMEOUT_SECONDS,
  GROUP,
  isFinished,
  RESOURCES,
  type Conversion,
} from './types.ts';

// The run API a standalone agent (`nko --exec convert`, agent.ts) reports a conversion pod's run through, since
// it has neither the server's objects nor its file store nor the cluster key: POST
// /apis/convert.entroos.io/v1/namespaces/NS/conversionruns/POD with one event — `start` (answers what to convert),
// `progress`, `output` (the digest of the output it uploaded with tus) or `failure`. The server checks that the pod
// is the conversion's and still runs it, then records the run as for its own nodes (run.ts): the statement it signs
// names the node and pod from its own objects, not from the request. Allowed as `update conversions/status`.

export const RUNS_PREFIX = [GROUP, 'v1'];

const REASONS = [
  'CorruptInput',
  'TypeMismatch',
  'UnsupportedPair',
  'InputTooLarge',
  'Timeout',
  'EngineUnavailable',
  'EngineFailed',
] as const;

const RunEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('start'), podUid: z.string().min(1) }),
  z.object({ event: z.literal('progress'), podUid: z.string().min(1), percent: z.number().min(0).max(100) }),
  z.object({
    event: z.literal('output'),
    podUid: z.string().min(1),
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a sha256:<64 hex> digest'),
    engine: z.enum(['image', 'document', 'data', 'office']),
    engineVersion: z.string().min(1).max(200),
  }),
  z.object({
    event: z.literal('failure'),
    podUid: z.string().min(1),
    reason: z.enum(REASONS),
    message: z.string().max(4000),
  }),
]);
export type RunEvent = z.infer<typeof RunEvent>;

/** What `start` answers: the conversion to run. */
export interface RunTask {
  conversion: string;
  input: { digest: string; filename: string; size: number };
  target: string;
  options: NonNullable<Conversion['spec']['options']>;
  runTimeoutSeconds: number;
  /** The name to upload the output under (its extension gives its content type). */
  outputFilename: string;
}

/** The run API's route a path under /apis names (segments after `apis`), if it is one. */
export function convertApiRoutes(segments: string[]): AppRoute | undefined {
  const [group, version, ns, namespace, kind, pod, ...rest] = segments;
  if (group !== RUNS_PREFIX[0] || version !== RUNS_PREFIX[1] || ns !== 'namespaces' || kind !== 'conversionruns')
    return undefined;
  if (!namespace || !pod || rest.length) return undefined;
  return {
    methods: ['POST'],
    authorize: { verb: 'update', resource: 'conversions', subresource: 'status', apiGroup: GROUP, namespace },
    serve: (req, services) => serveRunEvent(req, services, namespace, pod),
  };
}

async function serveRunEvent(req: Request, services: AppRouteServices, namespace: string, podName: string) {
  const event = RunEvent.parse(await readJson(req));
  const { api } = services;
  const { conversion, at } = runOf(api, namespace, podName, event.podUid);
  const files = fileStoreFor(services.config);
  switch (event.event) {
    case 'start': {
      if (isFinished(conversion))
        throw conflict(`conversion "${conversion.metadata.name}" has finished (${conversion.status?.phase})`);
      const input = await files.get(conversion.spec.input.digest);
      if (!input)
        throw notFound(
          `the input ${conversion.spec.input.digest} is not in the file store (never uploaded, or expired)`,
        );
      await markRunning(api, conversion, at);
      const task: RunTask = {
        conversion: conversion.metadata.name,
        input: { ...conversion.spec.input, size: input.size },
        target: conversion.spec.target,
        options: conversion.spec.options ?? {},
        runTimeoutSeconds: conversion.spec.runTimeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS,
        outputFilename: outputName(conversion),
      };
      return Response.json(task);
    }
    case 'progress':
      await reportProgress(api, conversion, event.percent);
      return new Response(null, { status: 204 });
    case 'output': {
      const stored = await files.get(event.digest);
      if (!stored) throw notFound(`the output ${event.digest} is not in the file store: upload it first`);
      const startedAt = runningSince(conversion);
      await recordOutput(files, services.clusterKey, conversion, at, {
        startedAt,
        engine: event.engine,
        engineVersion: event.engineVersion,
        stored,
      });
      return Response.json({ digest: stored.digest, size: stored.size });
    }
    case 'failure':
      await recordFailure(files, conversion, runningSince(conversion), event);
      return new Response(null, { status: 204 });
  }
}

/** The conversion `pod` runs and where, checked against the server's objects (a 404 or 409 when they disagree). */
function runOf(
  api: ObjectApi,
  namespace: string,
  podName: string,
  podUid: string,
): { conversion: Conversion; at: Placement } {
  const pod = api.peek(typeByKey('pods'), namespace, podName) as (Pod & { metadata: { uid: string } }) | undefined;
  if (!pod || pod.metadata.uid !== podUid) throw notFound(`pods "${podName}" not found (or not with uid ${podUid})`);
  const env = pod.spec?.containers[0]?.env ?? [];
  const name = env.find((e) => e.name === ENV.name)?.value;
  const uid = env.find((e) => e.name === ENV.uid)?.value;
  const conversion = name
    ? (api.peek(typeByKey(RESOURCES.conversions), namespace, name) as Conversion | undefined)
    : undefined;
  if (
    !name ||
    !conversion ||
    conversion.metadata.uid !== uid ||
    pod.metadata.labels?.[CONVERSION_LABEL] !== name.slice(0, 63)
  )
    throw notFound(`pod "${podName}" runs no conversion of namespace "${namespace}"`);
  const node = pod.spec?.nodeName;
  if (!node) throw conflict(`pod "${podName}" is not bound to a node`);
  return { conversion, at: { node, pod: podName, podUid } };
}

function runningSince(conversion: Conversion): string {
  if (isFinished(conversion))
    throw conflict(`conversion "${conversion.metadata.name}" has finished (${conversion.status?.phase})`);
  const startedAt = conversion.status?.startedAt;
  if (!startedAt) throw conflict(`conversion "${conversion.metadata.name}" was not started: send start first`);
  return startedAt;
}

const MAX_EVENT_BYTES = 64 * 1024;

async function readJson(req: Request): Promise<unknown> {
  const body = Buffer.from(await req.arrayBuffer());
  if (body.length > MAX_EVENT_BYTES) throw tooLarge(MAX_EVENT_BYTES);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}
