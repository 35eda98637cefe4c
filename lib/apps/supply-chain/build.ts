import type { KubeObject } from '../../apimachinery/object.ts';
import { PAYLOAD_TYPE, STATEMENT_TYPE } from './attestation.ts';
import { checkSigner, type ParticipantLookup } from './verify.ts';
import { BUILD_ACTION, type Attestation, type Envelope } from './types.ts';

// Build attestations: what a CI/CD pipeline says about an image it built, in the same Attestation kind and DSSE
// envelope as custody steps, with the standard SLSA provenance predicate (https://slsa.dev/spec/v1.0/provenance)
// instead of the custody one. Pods in enforcing namespaces may only run images such an attestation vouches for
// (enforce.ts).

export const SLSA_PROVENANCE = 'https://slsa.dev/provenance/v1';
export const BUILDER_ROLE = 'builder';

/** SLSA provenance v1, the fields this verifier requires (the rest is kept as signed). */
export interface ProvenancePredicate {
  buildDefinition: {
    buildType: string;
    externalParameters: Record<string, unknown>;
    internalParameters?: Record<string, unknown>;
    resolvedDependencies?: { uri?: string; digest?: Record<string, string> }[];
  };
  runDetails: {
    builder: { id: string };
    metadata?: { invocationId?: string; startedOn?: string; finishedOn?: string };
  };
}

export interface ProvenanceStatement {
  _type: string;
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate: ProvenancePredicate;
}

/** An Attestation of action `build`: `digest` is the image's (sha256:<hex>), `image` its name. */
export type BuildAttestation = Omit<Attestation, 'spec'> & {
  spec: { participant: string; action: typeof BUILD_ACTION; digest: string; image?: string; envelope: Envelope };
};

export const isBuildAttestation = (a: KubeObject): a is KubeObject & BuildAttestation =>
  (a.spec as { action?: unknown } | undefined)?.action === BUILD_ACTION;

const DIGEST = /^sha256:([a-f0-9]{64})$/;

/** The digest an image reference pins (`registry/app@sha256:…`), as sha256:<hex>; undefined for a tag only. */
export function imageDigest(image: string): string | undefined {
  const at = image.lastIndexOf('@');
  if (at < 0) return undefined;
  const digest = image.slice(at + 1);
  return DIGEST.test(digest) ? digest : undefined;
}

/** The envelope's provenance Statement; throws with the reason when it is not SLSA provenance v1. */
export function decodeProvenance(envelope: Envelope): ProvenanceStatement {
  if (envelope.payloadType !== PAYLOAD_TYPE) throw new Error(`payloadType must be ${PAYLOAD_TYPE}`);
  let statement: ProvenanceStatement;
  try {
    statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as ProvenanceStatement;
  } catch {
    throw new Error('the payload is not base64-encoded JSON');
  }
  if (typeof statement !== 'object' || statement === null) throw new Error('the payload is not a JSON object');
  if (statement._type !== STATEMENT_TYPE) throw new Error(`the statement's _type must be ${STATEMENT_TYPE}`);
  if (!Array.isArray(statement.subject) || !statement.subject.length) throw new Error('the statement has no subject');
  if (statement.predicateType !== SLSA_PROVENANCE)
    throw new Error(`the statement's predicateType must be ${SLSA_PROVENANCE}`);
  const p = statement.predicate;
  if (typeof p?.buildDefinition?.buildType !== 'string' || typeof p.runDetails?.builder?.id !== 'string')
    throw new Error('the provenance must name its buildDefinition.buildType and runDetails.builder.id');
  return statement;
}

/** The provenance statement a pipeline signs for an image it built (`digest` is sha256:<hex>). */
export function provenanceStatement(options: {
  image: string;
  digest: string;
  builderId: string;
  buildType: string;
  externalParameters?: Record<string, unknown>;
  invocationId?: string;
}): ProvenanceStatement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: options.image, digest: { sha256: options.digest.replace(/^sha256:/, '') } }],
    predicateType: SLSA_PROVENANCE,
    predicate: {
      buildDefinition: { buildType: options.buildType, externalParameters: options.externalParameters ?? {} },
      runDetails: {
        builder: { id: options.builderId },
        ...(options.invocationId ? { metadata: { invocationId: options.invocationId } } : {}),
      },
    },
  };
}

export type BuildVerdict = { ok: true; statement: ProvenanceStatement } | { ok: false; problem: string };

/**
 * A build attestation checked: SLSA provenance whose subject has the attested digest, signed with the key of a
 * participant holding the builder role. The same check runs at the attestation's admission and again, on what is
 * stored, whenever a pod asks for the image.
 */
export function verifyBuildAttestation(spec: BuildAttestation['spec'], participantOf: ParticipantLookup): BuildVerdict {
  let statement: ProvenanceStatement;
  try {
    statement = decodeProvenance(spec.envelope);
  } catch (err) {
    return { ok: false, problem: `the envelope is not a build provenance statement: ${(err as Error).message}` };
  }
  const hex = DIGEST.exec(spec.digest ?? '')?.[1];
  if (!hex) return { ok: false, problem: `spec.digest must be sha256:<64 hex digits>, not "${spec.digest ?? ''}"` };
  if (!statement.subject.some((s) => s.digest?.sha256 === hex))
    return { ok: false, problem: `the statement's subject has no digest ${spec.digest}` };
  const participant = participantOf(spec.participant);
  if (participant && !participant.spec.roles.includes(BUILDER_ROLE))
    return { ok: false, problem: `participant "${spec.participant}" does not have the ${BUILDER_ROLE} role` };
  const problem = checkSigner(spec.participant, spec.envelope, participantOf);
  return problem ? { ok: false, problem } : { ok: true, statement };
}
