import type { CustomResourceDefinition, JSONSchemaProps } from '../../apimachinery/generated/kinds.ts';
import { namespacedCrd, OBJECT_NAME, str, type PrinterColumn } from '../crd.ts';
import { GROUP, VERSION } from './types.ts';

// The CI/CD application's API: Pipeline (a DAG of steps), PipelineRun (one execution, its status per step) and
// Artifact (a content-addressed output with its signed provenance), namespaced, in ci.entroos.io/v1. The DAG's
// rules (cycles, unknown needs, duplicates) are admission's (admission.ts): a schema cannot say them.

const int = (description: string, extra: JSONSchemaProps = {}): JSONSchemaProps => ({
  type: 'integer',
  description,
  ...extra,
});
const STEP_NAME = { type: 'string', minLength: 1, maxLength: 40, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' };
const stringMap = (description: string): JSONSchemaProps => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string' },
});
const strings = (description: string, max = 64): JSONSchemaProps => ({
  type: 'array',
  description,
  items: { type: 'string', maxLength: 1024 },
  maxItems: max,
});

function crd(
  kind: string,
  plural: string,
  shortNames: string[],
  spec: JSONSchemaProps,
  options: { status?: JSONSchemaProps; columns?: PrinterColumn[] },
): CustomResourceDefinition {
  return namespacedCrd({ name: 'ci', group: GROUP, version: VERSION }, { kind, plural, shortNames, spec, ...options });
}

const step: JSONSchemaProps = {
  type: 'object',
  required: ['name', 'image'],
  properties: {
    name: { ...STEP_NAME, description: 'Unique in the pipeline; other steps name it in needs.' },
    image: str('The container image the step runs in.', { minLength: 1, maxLength: 500 }),
    script: str('A shell script (run with sh -e).', { maxLength: 65536 }),
    command: strings('The command, instead of a script.'),
    env: {
      type: 'array',
      maxItems: 128,
      items: { type: 'object', required: ['name'], properties: { name: str('Variable.'), value: str('Value.') } },
    },
    secrets: {
      type: 'array',
      description: 'Variables taken from Secrets in the namespace.',
      maxItems: 64,
      items: {
        type: 'object',
        required: ['name', 'secretName', 'key'],
        properties: { name: str('Variable.'), secretName: { ...OBJECT_NAME }, key: str('Key in the Secret.') },
      },
    },
    needs: { type: 'array', description: 'Steps that must succeed first.', items: STEP_NAME, maxItems: 64 },
    inputs: {
      type: 'array',
      description: 'Artifacts of earlier steps, passed through the artifact store (no shared volumes).',
      maxItems: 64,
      items: {
        type: 'object',
        required: ['step', 'output'],
        properties: { step: STEP_NAME, output: str('The output name.') },
      },
    },
    outputs: {
      type: 'array',
      description: 'Artifacts the step produces.',
      maxItems: 64,
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { ...STEP_NAME, description: 'Output name.' },
          path: str('Where the step writes it.', { maxLength: 1024 }),
          mediaType: str('Its media type (default application/octet-stream).', { maxLength: 255 }),
          image: str('An image whose manifest this is: the build is attested to the supply chain.', {
            maxLength: 500,
          }),
        },
      },
    },
    cacheKeys: strings('Keys of caches restored before and saved after the step.'),
    timeoutSeconds: int('Seconds one attempt may run (default 600).'),
    retries: int('Attempts after a failed one (default 0).', { minimum: 0, maximum: 10 }),
    matrix: {
      type: 'object',
      description: 'Runs the step once per combination of these values, in parallel (each gets MATRIX_<KEY>).',
      additionalProperties: { type: 'array', items: { type: 'string', maxLength: 63 }, minItems: 1, maxItems: 16 },
    },
    annotations: stringMap(
      "Copied to the step's pods (the simulated runtime reads entroos.io/duration, exit-code(s)).",
    ),
    exec: {
      type: 'boolean',
      description: 'Runs the script for real, as a process on a standalone agent started with `nko --exec ci`.',
    },
  },
};

const pipeline = crd(
  'Pipeline',
  'pipelines',
  ['pl'],
  {
    type: 'object',
    description: 'A DAG of steps, each run as a Job placed by the scheduler on any node.',
    required: ['steps'],
    properties: {
      description: str('What the pipeline does.', { maxLength: 2000 }),
      params: {
        type: 'array',
        maxItems: 64,
        items: { type: 'object', required: ['name'], properties: { name: str('Name.'), default: str('Default.') } },
      },
      steps: { type: 'array', minItems: 1, maxItems: 256, items: step },
      triggers: {
        type: 'object',
        properties: {
          github: {
            type: 'object',
            required: ['repository', 'secretRef'],
            properties: {
              repository: str('owner/name.', { maxLength: 200 }),
              events: { type: 'array', items: { type: 'string', enum: ['push', 'pull_request'] }, maxItems: 2 },
              branches: strings('Branches that start a run (all when empty).'),
              secretRef: {
                type: 'object',
                required: ['name', 'key'],
                properties: { name: { ...OBJECT_NAME }, key: str('Key in the Secret.') },
              },
            },
          },
        },
      },
    },
  },
  {
    columns: [
      { name: 'Steps', type: 'string', jsonPath: '.spec.steps[*].name' },
      { name: 'Repository', type: 'string', jsonPath: '.spec.triggers.github.repository', priority: 1 },
    ],
  },
);

const attempt: JSONSchemaProps = {
  type: 'object',
  properties: {
    attempt: { type: 'integer' },
    job: { type: 'string' },
    pod: { type: 'string' },
    node: { type: 'string' },
    startTime: { type: 'string' },
    completionTime: { type: 'string' },
    exitCode: { type: 'integer' },
    reason: { type: 'string' },
  },
};

const stepStatus: JSONSchemaProps = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    phase: { type: 'string', enum: ['Pending', 'Running', 'Succeeded', 'Failed', 'Skipped', 'Cancelled'] },
    attempts: { type: 'integer' },
    startTime: { type: 'string' },
    completionTime: { type: 'string' },
    exitCode: { type: 'integer' },
    message: { type: 'string' },
    job: { type: 'string' },
    node: { type: 'string' },
    history: { type: 'array', items: attempt },
    log: { type: 'string' },
    outputs: stringMap('Artifact names by output.'),
  },
};

const run = crd(
  'PipelineRun',
  'pipelineruns',
  ['pr', 'plr'],
  {
    type: 'object',
    description: 'One execution of a Pipeline.',
    required: ['pipeline'],
    properties: {
      pipeline: { ...OBJECT_NAME, description: 'The Pipeline in this namespace.' },
      params: stringMap('Parameter values (the pipeline declares them).'),
      trigger: {
        type: 'object',
        properties: {
          type: { type: 'string', enum: ['manual', 'github', 'api'] },
          event: str('push or pull_request.'),
          repository: str('owner/name.'),
          ref: str('The ref pushed or the pull request head.'),
          sha: str('The commit.'),
          deliveryId: str("GitHub's X-GitHub-Delivery."),
          sender: str('Who caused it.'),
        },
      },
      cancelled: { type: 'boolean', description: 'Set to cancel: running steps are stopped, the rest skipped.' },
    },
  },
  {
    status: {
      type: 'object',
      properties: {
        phase: { type: 'string', enum: ['Pending', 'Running', 'Succeeded', 'Failed', 'Cancelled'] },
        startTime: { type: 'string' },
        completionTime: { type: 'string' },
        message: { type: 'string' },
        steps: { type: 'array', items: stepStatus },
      },
    },
    columns: [
      { name: 'Pipeline', type: 'string', jsonPath: '.spec.pipeline' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Trigger', type: 'string', jsonPath: '.spec.trigger.type', priority: 1 },
    ],
  },
);

const artifact = crd(
  'Artifact',
  'artifacts',
  ['art'],
  {
    type: 'object',
    description: "A step's output, stored by content (sha256) with its signed SLSA provenance.",
    required: ['digest', 'size', 'mediaType', 'pipeline', 'run', 'step', 'output', 'provenance'],
    properties: {
      digest: str('sha256:<hex> of the content.', { pattern: '^sha256:[a-f0-9]{64}$' }),
      size: int('Bytes.', { minimum: 0 }),
      mediaType: str('The content type it is served with.', { maxLength: 255 }),
      pipeline: { ...OBJECT_NAME },
      run: { ...OBJECT_NAME },
      step: STEP_NAME,
      output: str('The output name.'),
      image: str('The image it is the manifest of, when it is one.'),
      provenance: {
        type: 'object',
        required: ['envelope'],
        properties: {
          envelope: {
            type: 'object',
            required: ['payloadType', 'payload', 'signatures'],
            properties: {
              payloadType: str('application/vnd.in-toto+json'),
              payload: str('The in-toto Statement (SLSA provenance v1), base64.', { maxLength: 65536 }),
              signatures: {
                type: 'array',
                minItems: 1,
                maxItems: 8,
                items: {
                  type: 'object',
                  required: ['keyid', 'sig'],
                  properties: { keyid: str('sha256 of the raw public key.'), sig: str('ed25519, base64.') },
                },
              },
            },
          },
          placement: {
            type: 'object',
            properties: {
              pod: str('The step pod.'),
              podUid: str('Its uid.'),
              node: str('The node it ran on.'),
              proof: str('Where its placement proof is listed.'),
            },
          },
        },
      },
    },
  },
  {
    columns: [
      { name: 'Run', type: 'string', jsonPath: '.spec.run' },
      { name: 'Step', type: 'string', jsonPath: '.spec.step' },
      { name: 'Digest', type: 'string', jsonPath: '.spec.digest' },
      { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
    ],
  },
);

export const CI_CRDS: CustomResourceDefinition[] = [pipeline, run, artifact];
