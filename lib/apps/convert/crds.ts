import type { CustomResourceDefinition, JSONSchemaProps } from '../../apimachinery/generated/kinds.ts';
import { FORMATS } from './engines/formats.ts';
import { namespacedCrd, str, type PrinterColumn } from '../crd.ts';
import { GROUP, VERSION } from './types.ts';

// The application's API: Conversion and Workflow in convert.entroos.io/v1, installed at start like any CRD
// (kubectl get conversions, explain, watch and the dashboard's generic pages work on them).

const int = (description: string, extra: JSONSchemaProps = {}): JSONSchemaProps => ({
  type: 'integer',
  description,
  ...extra,
});
const DIGEST = str('sha256:<64 hex digits>, as the upload answered', { pattern: '^sha256:[0-9a-f]{64}$' });
const FORMAT = str('a format: ' + FORMATS.join(', '), { enum: [...FORMATS] });

const fileRef = (description: string): JSONSchemaProps => ({
  type: 'object',
  description,
  required: ['digest', 'filename'],
  properties: {
    digest: DIGEST,
    filename: str("the file's name: its extension says its format, checked against its content", {
      maxLength: 255,
      minLength: 1,
    }),
  },
});

const OPTIONS: JSONSchemaProps = {
  type: 'object',
  description: 'engine options; each engine ignores what it does not use',
  properties: {
    width: int('resize to at most this width (px), keeping the aspect ratio', { minimum: 1, maximum: 16384 }),
    height: int('resize to at most this height (px), keeping the aspect ratio', { minimum: 1, maximum: 16384 }),
    quality: int('encoder quality (jpeg, webp, avif)', { minimum: 1, maximum: 100 }),
    keepMetadata: { type: 'boolean', description: 'keep EXIF, ICC and XMP metadata (stripped by default)' },
    delimiter: str('CSV delimiter (default ,)', { minLength: 1, maxLength: 1 }),
  },
};

const OUTPUT: JSONSchemaProps = {
  type: 'object',
  properties: {
    digest: DIGEST,
    size: int('bytes'),
    contentType: str('its content type'),
    filename: str('a name to download it as'),
  },
};

const conversion: CustomResourceDefinition = crd('Conversion', 'conversions', ['conv'], {
  spec: {
    type: 'object',
    required: ['input', 'target'],
    properties: {
      input: fileRef('the file to convert'),
      target: FORMAT,
      options: OPTIONS,
      queueTimeoutSeconds: int('how long it may wait for a node (default 600); the run is limited separately', {
        minimum: 1,
        maximum: 86400,
      }),
      runTimeoutSeconds: int('how long the engine may run once started (default 120)', { minimum: 1, maximum: 3600 }),
    },
  },
  status: {
    type: 'object',
    properties: {
      phase: str('Queued, Running, Succeeded or Failed', { enum: ['Queued', 'Running', 'Succeeded', 'Failed'] }),
      engine: str('the engine that converts the pair'),
      job: str('the Job that runs it'),
      pod: str('the pod that ran it'),
      podUid: str("the pod's uid (its placement proof is found by it)"),
      node: str('the node it ran on'),
      progress: int('0–100', { minimum: 0, maximum: 100 }),
      startedAt: str('when the engine started', { format: 'date-time' }),
      completedAt: str('when it finished', { format: 'date-time' }),
      queueSeconds: { type: 'number', description: 'seconds from creation to the start' },
      runSeconds: { type: 'number', description: 'seconds the engine ran' },
      output: OUTPUT,
      attestation: {
        type: 'object',
        description: "the output's signed statement (DSSE envelope, signed by the cluster key)",
        properties: {
          keyId: str('the cluster key that signed it'),
          envelope: {
            type: 'object',
            properties: {
              payloadType: str('application/vnd.in-toto+json'),
              payload: str('the Statement, base64'),
              signatures: {
                type: 'array',
                items: { type: 'object', properties: { keyid: str('key id'), sig: str('signature, base64') } },
              },
            },
          },
        },
      },
      error: {
        type: 'object',
        properties: {
          reason: str('why it failed: CorruptInput, TypeMismatch, Timeout, QueueTimeout…'),
          message: str('what happened'),
        },
      },
    },
  },
  columns: [
    { name: 'Target', type: 'string', jsonPath: '.spec.target' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Progress', type: 'integer', jsonPath: '.status.progress' },
    { name: 'Node', type: 'string', jsonPath: '.status.node', priority: 1 },
    { name: 'Output', type: 'string', jsonPath: '.status.output.digest', priority: 1 },
  ],
});

const STEP_NAME = {
  type: 'string',
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  maxLength: 40,
} satisfies JSONSchemaProps;

const workflow: CustomResourceDefinition = crd('Workflow', 'workflows', ['cwf'], {
  spec: {
    type: 'object',
    required: ['input', 'steps'],
    properties: {
      input: fileRef("the workflow's input"),
      steps: {
        type: 'array',
        minItems: 1,
        maxItems: 32,
        description:
          'steps; a step converts its `from` step’s output (or the input): a chain, or a fan-out when several name one step',
        items: {
          type: 'object',
          required: ['name', 'target'],
          properties: { name: STEP_NAME, from: STEP_NAME, target: FORMAT, options: OPTIONS },
        },
      },
    },
  },
  status: {
    type: 'object',
    properties: {
      phase: str('Running, Succeeded or Failed', { enum: ['Running', 'Succeeded', 'Failed'] }),
      steps: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            name: str('the step'),
            conversion: str('its Conversion'),
            phase: str("the Conversion's phase"),
            output: OUTPUT,
            error: str('why it failed'),
          },
        },
      },
    },
  },
  columns: [{ name: 'Phase', type: 'string', jsonPath: '.status.phase' }],
});

export const CONVERT_CRDS = [conversion, workflow];

function crd(
  kind: string,
  plural: string,
  shortNames: string[],
  schema: { spec: JSONSchemaProps; status: JSONSchemaProps; columns: PrinterColumn[] },
): CustomResourceDefinition {
  return namespacedCrd({ name: 'convert', group: GROUP, version: VERSION }, { kind, plural, shortNames, ...schema });
}
