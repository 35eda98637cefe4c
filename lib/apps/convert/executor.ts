import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { lookupKey } from '../../apimachinery/registry.ts';
import type { ObjectApi } from '../../apiserver/object-api.ts';
import type { ContainerExecutor, ExecutionRequest } from '../../kubelet/executor.ts';
import type { AppServices } from '../types.ts';
import { convertFile, ConversionError } from './engines/index.ts';
import { formatOf, isFormat } from './engines/formats.ts';
import { markRunning, recordFailure, recordOutput, reportProgress, storeOutput, type Placement } from './run.ts';
import { fileStoreFor } from './status.ts';
import type { FileStore } from './storage.ts';
import { DEFAULT_RUN_TIMEOUT_SECONDS, EXECUTOR_NAME, IMAGE_PREFIX, RESOURCES, type Conversion } from './types.ts';

// The conversion pods' container, as the in-process nodes run it: the kubelet hands `entroos/convert-<engine>`
// containers here. The run reads its Conversion (named in its environment), converts the input from the file
// store with the engine under the conversion's run-time limit, and records the outcome (run.ts: the output
// stored, its attestation signed with the cluster key, left for the controller); the container exits 0 or 1 with
// the engine's message in its log. Nothing an engine does can take the server down: every failure ends as this
// container's exit. A standalone agent runs the same engines through the run API instead (agent.ts).

export const ENV = { name: 'CONVERSION_NAME', uid: 'CONVERSION_UID' } as const;

export { resultPath, type RunOutcome } from './run.ts';

export function convertExecutors(
  api: ObjectApi,
  services: Pick<AppServices, 'config' | 'clusterKey'>,
  log: Logger,
): ContainerExecutor[] {
  const files = fileStoreFor(services.config);
  return [
    {
      name: EXECUTOR_NAME,
      imagePrefix: IMAGE_PREFIX,
      run: (req) =>
        runConversion(api, files, services.clusterKey, req).catch((err: unknown) => {
          log.warn({ err, pod: `${req.namespace}/${req.pod}` }, 'a conversion run failed unexpectedly');
          req.log(`error: ${(err as Error).message}`);
          return { exitCode: 1 };
        }),
    },
  ];
}

/** Progress is written at most every quarter: each write is a status update every watcher sees. */
export function progressThrottle(write: (percent: number) => void): (percent: number) => void {
  let last = 0;
  return (percent) => {
    if (percent - last < 25 || percent >= 100) return;
    last = percent;
    write(percent);
  };
}

async function runConversion(
  api: ObjectApi,
  files: FileStore,
  signer: AppServices['clusterKey'],
  req: ExecutionRequest,
): Promise<{ exitCode: number }> {
  const name = req.env[ENV.name];
  const t = lookupKey(RESOURCES.conversions);
  const conversion = t && name ? (api.peek(t, req.namespace, name) as Conversion | undefined) : undefined;
  if (!conversion || conversion.metadata.uid !== req.env[ENV.uid]) {
    req.log(`error: conversion ${req.namespace}/${name ?? '?'} not found`);
    return { exitCode: 2 };
  }
  const { spec } = conversion;
  const from = formatOf(spec.input.filename);
  const at: Placement = { node: req.node, pod: req.pod, podUid: req.podUid };
  const startedAt = await markRunning(api, conversion, at);
  const workDir = join(files.work, `${req.podUid}-${req.restartCount}`);
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  try {
    if (!from || !isFormat(spec.target))
      throw new ConversionError('UnsupportedPair', `cannot convert ${spec.input.filename} to ${spec.target}`);
    const input = await files.get(spec.input.digest);
    if (!input)
      throw new ConversionError(
        'CorruptInput',
        `the input ${spec.input.digest} is not in the file store (never uploaded, or expired)`,
      );
    req.log(
      `converting ${spec.input.filename} (${input.size} bytes, ${spec.input.digest}) to ${spec.target} on ${req.node}`,
    );
    const result = await convertFile({
      inputPath: files.pathOf(spec.input.digest),
      from,
      to: spec.target,
      options: spec.options ?? {},
      workDir,
      signal: req.signal,
      timeoutMs: (spec.runTimeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS) * 1000,
      onProgress: progressThrottle((percent) => void reportProgress(api, conversion, percent).catch(() => undefined)),
    });
    const stored = await storeOutput(files, conversion, result.outputPath);
    await recordOutput(files, signer, conversion, at, {
      startedAt,
      engine: result.engine,
      engineVersion: result.engineVersion,
      stored,
    });
    req.log(`wrote ${stored.filename} (${stored.size} bytes, ${stored.digest}) with ${result.engineVersion}`);
    return { exitCode: 0 };
  } catch (err) {
    const failure =
      err instanceof ConversionError ? err : new ConversionError('EngineFailed', (err as Error).message ?? String(err));
    req.log(`error: ${failure.reason}: ${failure.message}`);
    if (failure.reason === 'Cancelled') return { exitCode: 143 };
    await recordFailure(files, conversion, startedAt, failure);
    return { exitCode: 1 };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
