import { createHash } from 'node:crypto';
import type { Job } from '../../apimachinery/generated/kinds.ts';
import { ownerRef } from '../../apimachinery/meta.ts';
import { EXECUTOR_ANNOTATION, EXECUTOR_NODE_LABEL } from '../../kubelet/executor.ts';
import type { EngineName } from './engines/formats.ts';
import { ENV } from './executor.ts';
import {
  API_VERSION,
  CONVERSION_LABEL,
  DEFAULT_QUEUE_TIMEOUT_SECONDS,
  DEFAULT_RUN_TIMEOUT_SECONDS,
  EXECUTOR_NAME,
  IMAGE_PREFIX,
  type Conversion,
} from './types.ts';

// A conversion's Job: one pod running `entroos/convert-<engine>`, never retried (a conversion that failed fails
// with its reason; running it again gives the same answer), its requests sized by the engine and the input so the
// scheduler places LibreOffice where a gigabyte is free and a thumbnail anywhere. The Job's deadline is only a
// backstop: the queue time and the engine's run time are limited separately (controller, engine). The pod asks
// for the conversion executor by name, so a node that has none (an agent without --exec convert) fails it at once
// instead of simulating a conversion that never ran.

const MI = 2 ** 20;
const SIZING: Record<EngineName, { cpu: string; baseMi: number; perInputByte: number; capMi: number }> = {
  image: { cpu: '500m', baseMi: 64, perInputByte: 8, capMi: 1024 },
  data: { cpu: '250m', baseMi: 32, perInputByte: 6, capMi: 1024 },
  document: { cpu: '500m', baseMi: 384, perInputByte: 2, capMi: 1024 },
  office: { cpu: '1', baseMi: 768, perInputByte: 4, capMi: 2048 },
};

export function requestsFor(engine: EngineName, inputBytes: number): { cpu: string; memory: string } {
  const s = SIZING[engine];
  const mi = Math.min(s.capMi, Math.ceil(s.baseMi + (inputBytes * s.perInputByte) / MI));
  return { cpu: s.cpu, memory: `${mi}Mi` };
}

/** The Job's name: the conversion's, shortened with a hash when it would pass the 63 characters of a label. */
export function jobNameOf(conversion: string): string {
  const name = `convert-${conversion}`;
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(conversion).digest('hex').slice(0, 8);
  return `${name.slice(0, 54)}-${hash}`;
}

export function conversionJob(conversion: Conversion, engine: EngineName, inputBytes: number): Job {
  const labels = { [CONVERSION_LABEL]: conversion.metadata.name.slice(0, 63) };
  const queue = conversion.spec.queueTimeoutSeconds ?? DEFAULT_QUEUE_TIMEOUT_SECONDS;
  const run = conversion.spec.runTimeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS;
  const requests = requestsFor(engine, inputBytes);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameOf(conversion.metadata.name),
      namespace: conversion.metadata.namespace,
      labels,
      ownerReferences: [ownerRef(conversion, API_VERSION, 'Conversion')],
    },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: queue + run + 60,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels, annotations: { [EXECUTOR_ANNOTATION]: EXECUTOR_NAME } },
        spec: {
          restartPolicy: 'Never',
          // Only nodes that run the engines (in-process nodes, agents started with --exec convert).
          nodeSelector: { [`${EXECUTOR_NODE_LABEL}${EXECUTOR_NAME}`]: 'true' },
          containers: [
            {
              name: 'engine',
              image: `${IMAGE_PREFIX}${engine}`,
              imagePullPolicy: 'IfNotPresent',
              env: [
                { name: ENV.name, value: conversion.metadata.name },
                { name: ENV.uid, value: conversion.metadata.uid },
              ],
              resources: { requests, limits: { memory: requests.memory } },
            },
          ],
        },
      },
    },
  };
}
