import type { Logger } from 'pino';
import { typeByKey } from '../../apimachinery/registry.ts';
import type { ObjectApi } from '../../apiserver/object-api.ts';
import { SAMPLE_PIPELINE } from './examples.ts';
import { API_VERSION, RESOURCES } from './types.ts';

// The demo: namespace `ci` with the sample pipeline and a first run of it.

export const DEMO_NAMESPACE = 'ci';

export async function seedCiDemo(api: ObjectApi, log: Logger): Promise<void> {
  const ns = typeByKey('namespaces');
  if (!api.peek(ns, undefined, DEMO_NAMESPACE))
    await api.create(ns, undefined, {
      metadata: { name: DEMO_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'ci' } },
    });
  await api.create(typeByKey(RESOURCES.pipelines), DEMO_NAMESPACE, {
    apiVersion: API_VERSION,
    kind: 'Pipeline',
    ...SAMPLE_PIPELINE,
  });
  await api.create(typeByKey(RESOURCES.runs), DEMO_NAMESPACE, {
    apiVersion: API_VERSION,
    kind: 'PipelineRun',
    metadata: { name: `${SAMPLE_PIPELINE.metadata.name}-1` },
    spec: { pipeline: SAMPLE_PIPELINE.metadata.name, trigger: { type: 'manual' } },
  });
  log.info({ namespace: DEMO_NAMESPACE }, 'seeded the CI demo pipeline');
}
