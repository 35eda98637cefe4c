import type { SchemaObject } from '../../apimachinery/schema.ts';

// The entroos.io APIs' results as OpenAPI schemas, so their GraphQL types come out of the same generator as the
// Kubernetes kinds' (openapi-types.ts). They describe what the REST routes under /apis/entroos.io/v1 return.

const str = (description?: string): SchemaObject => ({ type: 'string', ...(description ? { description } : {}) });
const int = (description?: string): SchemaObject => ({ type: 'integer', format: 'int32', description });
const long = (description?: string): SchemaObject => ({ type: 'integer', format: 'int64', description });
const num = (description?: string): SchemaObject => ({ type: 'number', description });
const json = (description?: string): SchemaObject => ({ type: 'object', description });
const list = (items: SchemaObject, description?: string): SchemaObject => ({ type: 'array', items, description });
const object = (description: string, properties: Record<string, SchemaObject>): SchemaObject => ({
  type: 'object',
  description,
  properties,
});

export const CANDIDATE = object('A node the scheduler scored for a pod.', {
  node: str(),
  score: num(),
  entropyAfter: num('The cluster entropy had the pod gone there.'),
});

export const DECISION = object(
  "The scheduler's latest decision for a pod (GET /apis/entroos.io/v1/scheduler/decisions?pod=).",
  {
    pod: str('namespace/name'),
    uid: str(),
    createdAt: str("The pod's creationTimestamp."),
    profile: str('The scheduling profile that decided.'),
    at: str('When it decided (RFC 3339).'),
    result: str('Scheduled, Unschedulable or Error.'),
    node: str(),
    message: str(),
    nodes: int('Nodes in the cluster.'),
    evaluated: int('Nodes the filters looked at.'),
    feasible: int('Nodes that passed every filter.'),
    filterReasons: json('Why nodes were filtered out: reason → count.'),
    top: list(CANDIDATE, 'The best-scored candidates.'),
    entropyBefore: num(),
    entropyAfter: num(),
    durationMs: num(),
    nominatedNode: str('Set when the pod preempted others and waits for that node.'),
    detail: list(json(), 'Per-node filter and score detail (kept for the most recent decisions only).'),
    placement: json('The placement facts proved (requests, free capacity before).'),
  },
);

const BATCH = object('The proof batch a placement is in.', {
  id: str(),
  circuit: str(),
  status: str('proved, verified or invalid.'),
  proveMs: int(),
});

export const PLACEMENT = object("A binding's placement and its proof (the commitment only: never what opens it).", {
  bindingId: str(),
  slot: int('Position in the proof batch.'),
  podUid: str(),
  namespace: str(),
  name: str(),
  node: str(),
  commitment: str('Poseidon commitment to the pod requests and a salt.'),
  createdAt: str(),
  batch: BATCH,
});

export const PROOF = object('A placement proof (Groth16) and the placements it covers.', {
  id: str(),
  circuit: str(),
  vkeyId: str('sha256 of the verification key it was made for.'),
  status: str(),
  proveMs: int(),
  createdAt: str(),
  verifiedAt: str(),
  proof: json('The Groth16 proof, as snarkjs writes it.'),
  publicSignals: list(str()),
  placements: list(PLACEMENT),
});

export const VERIFICATION = object('The result of verifying stored proofs on the server, in one batch.', {
  valid: { type: 'boolean' },
  verified: list(str(), 'Ids of the proofs found valid (now marked verified).'),
  invalid: list(str(), 'Ids of the proofs that failed (now marked invalid).'),
});

export const NODE_USAGE = object("A node's live usage, as its agent reports it now.", {
  node: str(),
  cpuMilli: long('CPU in use, millicores.'),
  memoryBytes: long('Memory in use, bytes.'),
});

export const SCHEDULER = object("The scheduler's state (GET /apis/entroos.io/v1/scheduler).", {
  nodes: int(),
  clusterEntropy: num('0–100.'),
  queue: json('Pods waiting, by queue.'),
  totals: json('Attempts, scheduled, unschedulable, bind errors.'),
  attemptLatencyMs: json('p50 and p99 of one scheduling attempt.'),
  config: json('The profiles and their plugins.'),
});

/** A history point's schema: `t`, `n` and one number per sampled field (the fields are the sampler's). */
export function historyPoint(fields: readonly string[]): SchemaObject {
  return object('The cluster averaged over one step (t: the step start, ms since the epoch; n: samples).', {
    t: long(),
    n: int(),
    ...Object.fromEntries(fields.map((f) => [f, num()])),
  });
}

export function history(fields: readonly string[]): SchemaObject {
  return object('The cluster history over a window (GET /apis/entroos.io/v1/history).', {
    window: str(),
    stepSeconds: int(),
    points: list(historyPoint(fields)),
  });
}

export const LAB_RESULT = json(
  'What the policy lab found: per profile, the placements and their entropy (POST /apis/entroos.io/v1/scheduler/lab).',
);
