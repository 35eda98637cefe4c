import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectApi } from '../../apiserver/object-api.ts';
import type { AppServices } from '../types.ts';
import { conversionStatement, signConversion } from './attestation.ts';
import type { ConversionError } from './engines/index.ts';
import { CONTENT_TYPES, EXTENSIONS, isFormat } from './engines/formats.ts';
import type { EngineName } from './engines/formats.ts';
import { writeStatus } from './status.ts';
import type { FileStore, StoredFile } from './storage.ts';
import type { Conversion, ConversionStatus } from './types.ts';

// A conversion run's steps as the server records them, whoever runs the engine: the in-process nodes' executor
// (executor.ts) calls them directly, a standalone agent through the run API (http.ts). The server marks the run
// started, stores the output, signs the statement with the cluster key — with the node and pod from its own
// objects — and leaves the outcome in results/<conversion uid>.json for the controller.

/** Where a run happens: the conversion pod and its node. */
export interface Placement {
  node: string;
  pod: string;
  podUid: string;
}

export interface RunOutcome {
  ok: boolean;
  status: Pick<ConversionStatus, 'output' | 'attestation' | 'error' | 'engine' | 'startedAt' | 'completedAt'>;
}

export const resultPath = (files: FileStore, uid: string) =>
  join(files.results, `${uid.replace(/[^a-zA-Z0-9-]/g, '')}.json`);

/** Marks the conversion Running on `at`; answers when it started. */
export async function markRunning(api: ObjectApi, conversion: Conversion, at: Placement): Promise<string> {
  const started = new Date();
  const startedAt = started.toISOString();
  await writeStatus(api, conversion.metadata.namespace ?? '', conversion.metadata.name, (c) =>
    c.status?.phase === 'Succeeded' || c.status?.phase === 'Failed'
      ? undefined
      : {
          ...c.status,
          phase: 'Running',
          startedAt,
          queueSeconds: seconds(Date.parse(String(c.metadata.creationTimestamp ?? startedAt)), started.getTime()),
          node: at.node,
          pod: at.pod,
          podUid: at.podUid,
          progress: 0,
        },
  );
  return startedAt;
}

/** The engine's progress (0–100) while the conversion runs. */
export async function reportProgress(api: ObjectApi, conversion: Conversion, percent: number): Promise<void> {
  await writeStatus(api, conversion.metadata.namespace ?? '', conversion.metadata.name, (c) =>
    c.status?.phase === 'Running'
      ? { ...c.status, progress: Math.round(Math.min(100, Math.max(0, percent))) }
      : undefined,
  );
}

/** The name an output is stored under: the input's, with the target's extension. */
export function outputName(conversion: Conversion): string {
  const { spec } = conversion;
  const base = spec.input.filename.replace(/\.[^.]*$/, '') || 'output';
  return `${base}.${isFormat(spec.target) ? EXTENSIONS[spec.target] : spec.target}`;
}

/** Stores an output the engine wrote here under its name and content type. */
export function storeOutput(files: FileStore, conversion: Conversion, path: string): Promise<StoredFile> {
  const { target } = conversion.spec;
  return files.put(path, {
    contentType: isFormat(target) ? CONTENT_TYPES[target] : 'application/octet-stream',
    filename: outputName(conversion),
  });
}

/** Signs the statement about a stored output and leaves the outcome for the controller. */
export async function recordOutput(
  files: FileStore,
  signer: AppServices['clusterKey'],
  conversion: Conversion,
  at: Placement,
  run: { startedAt: string; engine: EngineName; engineVersion: string; stored: StoredFile },
): Promise<void> {
  const { spec } = conversion;
  const { stored } = run;
  const namespace = conversion.metadata.namespace ?? '';
  const filename = outputName(conversion);
  const completedAt = new Date().toISOString();
  const statement = conversionStatement(filename, stored.digest, {
    conversion: { namespace, name: conversion.metadata.name, uid: conversion.metadata.uid },
    input: { name: spec.input.filename, digest: { sha256: spec.input.digest.slice(7) } },
    target: spec.target,
    engine: { name: run.engine, version: run.engineVersion },
    options: spec.options ?? {},
    node: at.node,
    pod: { name: at.pod, uid: at.podUid },
    finishedAt: completedAt,
  });
  const envelope = signConversion(statement, signer);
  await writeOutcome(files, conversion, {
    ok: true,
    status: {
      engine: run.engine,
      startedAt: run.startedAt,
      completedAt,
      output: { digest: stored.digest, size: stored.size, contentType: stored.contentType, filename },
      attestation: { keyId: signer.keyId, envelope },
    },
  });
}

/** Leaves a failed run's outcome (the engine's reason and message) for the controller. */
export async function recordFailure(
  files: FileStore,
  conversion: Conversion,
  startedAt: string,
  failure: Pick<ConversionError, 'reason' | 'message'>,
): Promise<void> {
  await writeOutcome(files, conversion, {
    ok: false,
    status: {
      startedAt,
      completedAt: new Date().toISOString(),
      error: { reason: failure.reason, message: failure.message },
    },
  });
}

async function writeOutcome(files: FileStore, conversion: Conversion, outcome: RunOutcome) {
  await files.init();
  await writeFile(resultPath(files, conversion.metadata.uid), JSON.stringify(outcome));
}

const seconds = (from: number, to: number) => Math.max(0, Math.round((to - from) / 10) / 100);
