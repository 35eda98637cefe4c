import type { CustomResourceDefinition, JSONSchemaProps } from '../../apimachinery/generated/kinds.ts';
import { namespacedCrd, OBJECT_NAME, type PrinterColumn } from '../crd.ts';
import { GROUP, MAX_OPTIONS, VERSION } from './types.ts';

// The application's API: four namespaced kinds in voting.entroos.io/v1 with structural schemas, installed at start
// like any CRD. Groups hold hashes of invite codes, Members commitments, Ballots the question and the frozen root,
// Votes a proof and its public signals — never an identity.

const NAME = OBJECT_NAME;
const FIELD = {
  type: 'string',
  maxLength: 78,
  pattern: '^(0|[1-9][0-9]*)$',
  description: 'A BN254 scalar field element in decimal.',
} satisfies JSONSchemaProps;
const HEX256 = { type: 'string', pattern: '^[0-9a-f]{64}$' } satisfies JSONSchemaProps;
const TIME = { type: 'string', format: 'date-time' } satisfies JSONSchemaProps;
const fields = (n: number): JSONSchemaProps => ({ type: 'array', items: FIELD, minItems: n, maxItems: n });

function crd(
  kind: string,
  plural: string,
  spec: JSONSchemaProps,
  options: { status?: JSONSchemaProps; columns?: PrinterColumn[] } = {},
): CustomResourceDefinition {
  const shortNames = [`v${kind.toLowerCase().slice(0, 2)}`];
  return namespacedCrd(
    { name: 'voting', group: GROUP, version: VERSION },
    { kind, plural, shortNames, spec, ...options },
  );
}

const group = crd(
  'Group',
  'groups',
  {
    type: 'object',
    description: 'A group of voters: who may enrol (invite codes, stored only as sha256), never who they are.',
    properties: {
      displayName: { type: 'string', maxLength: 200 },
      inviteCodeHashes: {
        type: 'array',
        description: 'The sha256 (hex) of each single-use invite code.',
        items: HEX256,
        maxItems: 100000,
      },
    },
  },
  {
    status: {
      type: 'object',
      properties: {
        size: { type: 'integer' },
        root: FIELD,
        depth: { type: 'integer' },
        observedGeneration: { type: 'integer' },
      },
    },
    columns: [
      { name: 'Members', type: 'integer', jsonPath: '.status.size' },
      { name: 'Root', type: 'string', jsonPath: '.status.root', priority: 1 },
    ],
  },
);

const member = crd(
  'Member',
  'members',
  {
    type: 'object',
    description: "One leaf of a group's Poseidon tree: an identity commitment, Poseidon(secret). Named GROUP-INDEX.",
    required: ['group', 'index', 'commitment'],
    properties: {
      group: NAME,
      index: { type: 'integer', minimum: 0, maximum: 2 ** 20 - 1 },
      commitment: FIELD,
      invite: { ...HEX256, description: 'The sha256 of the invite code this enrolment used.' },
    },
  },
  {
    columns: [
      { name: 'Group', type: 'string', jsonPath: '.spec.group' },
      { name: 'Index', type: 'integer', jsonPath: '.spec.index' },
    ],
  },
);

const ballot = crd(
  'Ballot',
  'ballots',
  {
    type: 'object',
    description: 'A question put to a group. Open from opensAt until closesAt; the group root is frozen at opening.',
    required: ['question', 'options', 'group'],
    properties: {
      question: { type: 'string', minLength: 1, maxLength: 1000 },
      options: {
        type: 'array',
        items: { type: 'string', minLength: 1, maxLength: 200 },
        minItems: 2,
        maxItems: MAX_OPTIONS,
      },
      group: NAME,
      opensAt: TIME,
      closesAt: TIME,
      publish: { type: 'boolean', description: 'Publish the results once the ballot is closed.' },
    },
  },
  {
    status: {
      type: 'object',
      properties: {
        state: { type: 'string', enum: ['Draft', 'Open', 'Closed', 'Published'] },
        root: FIELD,
        groupSize: { type: 'integer' },
        ballotId: FIELD,
        openedAt: TIME,
        closedAt: TIME,
        tally: { type: 'array', items: { type: 'integer' } },
        votes: { type: 'integer' },
        observedGeneration: { type: 'integer' },
      },
    },
    columns: [
      { name: 'State', type: 'string', jsonPath: '.status.state' },
      { name: 'Group', type: 'string', jsonPath: '.spec.group' },
      { name: 'Votes', type: 'integer', jsonPath: '.status.votes' },
      { name: 'Closes', type: 'date', jsonPath: '.spec.closesAt' },
    ],
  },
);

const vote = crd(
  'Vote',
  'votes',
  {
    type: 'object',
    description:
      'An anonymous vote: a Groth16 proof (circuits/voting.circom) and its public signals — nullifier, root, ballot id, option, number of options. Named BALLOT-NULLIFIER.',
    required: ['ballot', 'proof', 'publicSignals'],
    properties: {
      ballot: NAME,
      proof: {
        type: 'object',
        required: ['pi_a', 'pi_b', 'pi_c'],
        properties: {
          pi_a: fields(3),
          pi_b: { type: 'array', items: fields(2), minItems: 3, maxItems: 3 },
          pi_c: fields(3),
          protocol: { type: 'string', enum: ['groth16'] },
          curve: { type: 'string', enum: ['bn128'] },
        },
      },
      publicSignals: fields(5),
    },
  },
  {
    columns: [{ name: 'Ballot', type: 'string', jsonPath: '.spec.ballot' }],
  },
);

export const VOTING_CRDS = [group, member, ballot, vote];
