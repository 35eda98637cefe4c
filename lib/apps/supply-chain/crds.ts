import type { CustomResourceDefinition, JSONSchemaProps } from '../../apimachinery/generated/kinds.ts';
import { namespacedCrd, OBJECT_NAME, str, type PrinterColumn } from '../crd.ts';
import { ACTIONS, BUILD_ACTION, DISCLOSABLE, GROUP, ROLES, VERSION } from './types.ts';

// The application's API: five namespaced kinds in supplychain.entroos.io/v1 with structural schemas, installed at
// start like any CRD (kubectl get batches, explain, watch and the dashboard's generic pages work on them).

const NAME = OBJECT_NAME;
const names = (description: string): JSONSchemaProps => ({ type: 'array', description, items: NAME, maxItems: 256 });

function crd(
  kind: string,
  plural: string,
  shortNames: string[],
  spec: JSONSchemaProps,
  options: { status?: JSONSchemaProps; columns?: PrinterColumn[] } = {},
): CustomResourceDefinition {
  return namespacedCrd(
    { name: 'supply-chain', group: GROUP, version: VERSION },
    { kind, plural, shortNames, spec, ...options },
  );
}

const participant = crd(
  'Participant',
  'participants',
  ['scp'],
  {
    type: 'object',
    description: 'A farm, factory, carrier, lab or retailer, and the ed25519 key its attestations are signed with.',
    required: ['roles', 'publicKey'],
    properties: {
      displayName: str('A human-readable name.', { maxLength: 200 }),
      roles: { type: 'array', items: { type: 'string', enum: [...ROLES] }, minItems: 1, maxItems: ROLES.length },
      location: str('Where the participant operates.', { maxLength: 200 }),
      publicKey: str('The raw 32-byte ed25519 public key, base64.', { pattern: '^[A-Za-z0-9+/]{43}=$' }),
    },
  },
  {
    columns: [
      { name: 'Display name', type: 'string', jsonPath: '.spec.displayName' },
      { name: 'Roles', type: 'string', jsonPath: '.spec.roles' },
    ],
  },
);

const product = crd(
  'Product',
  'products',
  ['spr'],
  {
    type: 'object',
    description: 'A kind of good that batches are lots of.',
    required: ['displayName'],
    properties: {
      displayName: str('A human-readable name.', { maxLength: 200 }),
      description: str('What the product is.', { maxLength: 2000 }),
      unit: str('The unit batches of it are counted in.', { maxLength: 20 }),
    },
  },
  { columns: [{ name: 'Display name', type: 'string', jsonPath: '.spec.displayName' }] },
);

const custodyEntry: JSONSchemaProps = {
  type: 'object',
  properties: {
    attestation: { type: 'string' },
    participant: { type: 'string' },
    action: { type: 'string' },
    time: { type: 'string' },
    to: { type: 'string' },
    verified: { type: 'boolean' },
    problem: { type: 'string' },
  },
};

const decimals = { type: 'array', items: { type: 'string' } };
const certification = {
  type: 'object',
  description: 'A zero-knowledge proof (certified_custody) that the batch passed through a facility of the set.',
  properties: {
    set: { type: 'string' },
    setDisplayName: { type: 'string' },
    root: { type: 'string' },
    depth: { type: 'integer' },
    batch: { type: 'string' },
    commitment: { type: 'string' },
    proof: {
      type: 'object',
      properties: {
        pi_a: decimals,
        pi_b: { type: 'array', items: decimals },
        pi_c: decimals,
        protocol: { type: 'string' },
        curve: { type: 'string' },
      },
    },
    publicSignals: decimals,
    provedAt: { type: 'string' },
    proveMs: { type: 'integer' },
  },
};

const batch = crd(
  'Batch',
  'batches',
  ['sbt'],
  {
    type: 'object',
    description: 'One lot of a product; its custody chain is the attestations about it.',
    required: ['product', 'producer', 'quantity', 'unit'],
    properties: {
      product: { ...NAME, description: 'The Product this is a lot of.' },
      producer: { ...NAME, description: 'The Participant that produced (or processed) it.' },
      quantity: { type: 'integer', minimum: 0, description: 'How much, in unit.' },
      unit: str('kg, bags, boxes…', { maxLength: 20 }),
      inputs: names('The batches this one was made from (a recall of any of them recalls this one).'),
      recall: {
        type: 'object',
        description: 'Set to recall the batch and everything made from it.',
        required: ['reason'],
        properties: {
          reason: str('Why.', { minLength: 1, maxLength: 500 }),
          time: str('When.', { format: 'date-time' }),
        },
      },
      disclose: {
        type: 'array',
        description: 'What the public verification view shows besides the verdict.',
        items: { type: 'string', enum: [...DISCLOSABLE] },
        maxItems: DISCLOSABLE.length,
      },
    },
  },
  {
    status: {
      type: 'object',
      properties: {
        phase: { type: 'string', enum: ['Pending', 'Complete', 'BrokenChain', 'Tampered', 'Recalled'] },
        reason: { type: 'string' },
        holder: { type: 'string' },
        recalledBy: { type: 'string' },
        digest: { type: 'string' },
        observedGeneration: { type: 'integer' },
        custody: { type: 'array', items: custodyEntry },
        certifications: { type: 'array', items: certification },
        certificationProblem: { type: 'string' },
      },
    },
    columns: [
      { name: 'Product', type: 'string', jsonPath: '.spec.product' },
      { name: 'Producer', type: 'string', jsonPath: '.spec.producer' },
      { name: 'Quantity', type: 'integer', jsonPath: '.spec.quantity' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Reason', type: 'string', jsonPath: '.status.reason', priority: 1 },
    ],
  },
);

const attestation = crd(
  'Attestation',
  'attestations',
  ['sat'],
  {
    type: 'object',
    description:
      "An in-toto Statement v1 in a DSSE envelope signed with the participant's key, verified on every write: a custody step (custody predicate) about a batch, or a build (SLSA provenance) of an image digest.",
    required: ['participant', 'action', 'envelope'],
    properties: {
      batch: {
        ...NAME,
        description: 'The Batch a custody step is about (must match the signed predicate; required but for builds).',
      },
      participant: { ...NAME, description: 'The Participant that signed it (must match the signed predicate).' },
      action: {
        type: 'string',
        enum: [...ACTIONS, BUILD_ACTION],
        description: 'The custody step (must match the signed predicate), or build for an image build.',
      },
      digest: str('build: the image digest the provenance is about, sha256:<hex>.', {
        pattern: '^sha256:[a-f0-9]{64}$',
      }),
      image: str('build: the image name (informational; admission matches the digest).', { maxLength: 500 }),
      envelope: {
        type: 'object',
        required: ['payloadType', 'payload', 'signatures'],
        properties: {
          payloadType: str('application/vnd.in-toto+json'),
          payload: str('The Statement, base64.', { maxLength: 65536 }),
          signatures: {
            type: 'array',
            minItems: 1,
            maxItems: 8,
            items: {
              type: 'object',
              required: ['keyid', 'sig'],
              properties: {
                keyid: str('sha256:<hex of the raw public key>'),
                sig: str('The ed25519 signature, base64.'),
              },
            },
          },
        },
      },
    },
  },
  {
    columns: [
      { name: 'Batch', type: 'string', jsonPath: '.spec.batch' },
      { name: 'Participant', type: 'string', jsonPath: '.spec.participant' },
      { name: 'Action', type: 'string', jsonPath: '.spec.action' },
      { name: 'Digest', type: 'string', jsonPath: '.spec.digest', priority: 1 },
    ],
  },
);

const certifiedSet = crd(
  'CertifiedSet',
  'certifiedsets',
  ['scs'],
  {
    type: 'object',
    description: 'An approved group of facilities, kept as a Poseidon Merkle tree of their keys (depth 20).',
    required: ['members'],
    properties: {
      displayName: str('A human-readable name.', { maxLength: 200 }),
      members: names('The Participants in the set.'),
    },
  },
  {
    status: {
      type: 'object',
      properties: {
        root: str('The Merkle root (a BN254 field element, decimal).'),
        depth: { type: 'integer' },
        size: { type: 'integer' },
        observedGeneration: { type: 'integer' },
        missing: { type: 'array', items: { type: 'string' } },
        leaves: {
          type: 'array',
          items: {
            type: 'object',
            properties: { participant: { type: 'string' }, index: { type: 'integer' }, leaf: { type: 'string' } },
          },
        },
      },
    },
    columns: [
      { name: 'Members', type: 'integer', jsonPath: '.status.size' },
      { name: 'Root', type: 'string', jsonPath: '.status.root', priority: 1 },
    ],
  },
);

export const SUPPLY_CHAIN_CRDS: CustomResourceDefinition[] = [participant, product, batch, attestation, certifiedSet];
