import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { lookupKey } from '../../apimachinery/registry.ts';
import type { ObjectApi } from '../../apiserver/object-api.ts';
import type { ContainerExecutor, ExecutionRequest } from '../../kubelet/executor.ts';
import type { AppServices } from '../types.ts';
import { conversionStatement, signConversion } from './attestation.ts';
import { convertFile, ConversionError } from './engines/index.ts';
import { CONTENT_TYPES, EXTENSIONS, formatOf, isFormat } from './engines/formats.ts';
import { fileStoreFor, writeStatus } from './status.ts';
import type { FileStore } from './storage.ts';
import {
  DEFAULT_RUN_TIMEOUT_SECONDS,
  IMAGE_PREFIX,
  RESOURCES,
  type Conversion,
  type ConversionStatus,
} from './types.ts';

// The conversion pods' container, as the in-process nodes run it: the kubelet hands `entroos/convert-<engine>`
// containers here. The run reads its Conversion (named in its environment), converts the input from the file
// store with the engine under the conversion's run-time limit, stores the output, signs its attestation with the
// cluster key, and leaves the outcome in results/<conversion uid>.json for the controller; the container exits 0
// or 1 with the engine's message in its log. Nothing an engine does can take the server down: every failure ends
// as this container's exit.

export const ENV = { name: 'CONVERSION_NAME', uid: 'CONVERSION_UID' } as const;

export interface RunOutcome {
  ok: boolean;
  status: Pick<ConversionStatus, 'output' | 'attestation' | 'error' | 'engine' | 'startedAt' | 'completedAt'>;
}

export const resultPath = (files: FileStore, uid: string) =>
  join(files.results, `${uid.replace(/[^a-zA-Z0-9-]/g, '')}.json`);

export function convertExecutors(
  api: ObjectApi,
  services: Pick<AppServices, 'config' | 'clusterKey'>,
  log: Logger,
): ContainerExecutor[] {
  const files = fileStoreFor(services.config);
  return [
    {
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
  const started = new Date();
  const startedAt = started.toISOString();
  await writeStatus(api, req.namespace, conversion.metadata.name, (c) =>
    c.status?.phase === 'Succeeded' || c.status?.phase === 'Failed'
      ? undefined
      : {
          ...c.status,
          phase: 'Running',
          startedAt,
          queueSeconds: seconds(Date.parse(String(c.metadata.creationTimestamp ?? startedAt)), started.getTime()),
          node: req.node,
          pod: req.pod,
          podUid: req.podUid,
          progress: 0,
        },
  );
  const workDir = join(files.work, `${req.podUid}-${req.restartCount}`);
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  const finish = async (outcome: RunOutcome) => {
    await writeFile(resultPath(files, conversion.metadata.uid), JSON.stringify(outcome));
    await rm(workDir, { recursive: true, force: true });
  };
  let lastProgress = 0;
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
      onProgress: (percent) => {
        if (percent - lastProgress < 25 || percent >= 100) return;
        lastProgress = percent;
        void writeStatus(api, req.namespace, conversion.metadata.name, (c) =>
          c.status?.phase === 'Running' ? { ...c.status, progress: Math.round(percent) } : undefined,
        ).catch(() => undefined);
      },
    });
    const base = spec.input.filename.replace(/\.[^.]*$/, '') || 'output';
    const filename = `${base}.${EXTENSIONS[spec.target]}`;
    const stored = await files.put(result.outputPath, {
      contentType: CONTENT_TYPES[spec.target],
      filename,
      move: false,
    });
    const completedAt = new Date().toISOString();
    const statement = conversionStatement(filename, stored.digest, {
      conversion: { namespace: req.namespace, name: conversion.metadata.name, uid: conversion.metadata.uid },
      input: { name: spec.input.filename, digest: { sha256: spec.input.digest.slice(7) } },
      target: spec.target,
      engine: { name: result.engine, version: result.engineVersion },
      options: spec.options ?? {},
      node: req.node,
      pod: { name: req.pod, uid: req.podUid },
      finishedAt: completedAt,
    });
    const envelope = signConversion(statement, signer);
    req.log(`wrote ${filename} (${stored.size} bytes, ${stored.digest}) with ${result.engineVersion}`);
    await finish({
      ok: true,
      status: {
        engine: result.engine,
        startedAt,
        completedAt,
        output: { digest: stored.digest, size: stored.size, contentType: stored.contentType, filename },
        attestation: { keyId: signer.keyId, envelope },
      },
    });
    return { exitCode: 0 };
  } catch (err) {
    const failure =
      err instanceof ConversionError ? err : new ConversionError('EngineFailed', (err as Error).message ?? String(err));
    req.log(`error: ${failure.reason}: ${failure.message}`);
    if (failure.reason === 'Cancelled') {
      await rm(workDir, { recursive: true, force: true });
      return { exitCode: 143 };
    }
    await finish({
      ok: false,
      status: {
        startedAt,
        completedAt: new Date().toISOString(),
        error: { reason: failure.reason, message: failure.message },
      },
    });
    return { exitCode: 1 };
  }
}

const seconds = (from: number, to: number) => Math.max(0, Math.round((to - from) / 10) / 100);
