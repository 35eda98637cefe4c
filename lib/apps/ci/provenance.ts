import { createHash, createPublicKey, verify } from 'node:crypto';
import { keyIdOf, pae, PAYLOAD_TYPE, STATEMENT_TYPE } from '../supply-chain/attestation.ts';
import { decodeProvenance, SLSA_PROVENANCE, type ProvenanceStatement } from '../supply-chain/build.ts';
import type { Envelope } from '../supply-chain/types.ts';
import type { PlacementRef } from './types.ts';

// Every artifact's provenance: an in-toto Statement v1 with the SLSA provenance v1 predicate, in a DSSE envelope
// signed with the cluster's ed25519 key — the same statement and envelope the supply-chain verifier takes as a
// build attestation (lib/apps/supply-chain/build.ts), so an image built here can be admitted where attestations
// are enforced. The key id is the supply chain's (sha256 of the raw public key).

export const BUILD_TYPE = 'https://ci.entroos.io/step/v1';
export const builderId = (clusterKeyId: string) => `https://entroos.io/ci/builders/${clusterKeyId}`;

/** What signs: the cluster key (lib/auth/cluster-key.ts) seen through what this needs. */
export interface ProvenanceSigner {
  keyId: string;
  publicKeyPem: string;
  sign(data: Buffer): string;
}

export interface ProvenanceInput {
  namespace: string;
  artifact: string;
  digest: string;
  pipeline: string;
  run: string;
  step: string;
  attempt: number;
  image: string;
  script?: string;
  command?: string[];
  params: Record<string, string>;
  trigger?: Record<string, unknown>;
  inputs: { name: string; digest: string }[];
  placement?: PlacementRef;
  startedOn?: string;
  finishedOn: string;
}

/** The raw 32-byte ed25519 public key in base64 (what a supply-chain Participant holds). */
export function rawPublicKey(publicKeyPem: string): string {
  const jwk = createPublicKey(publicKeyPem).export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('the cluster key is not an ed25519 key');
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}

export const signerKeyId = (publicKeyPem: string) => keyIdOf(Buffer.from(rawPublicKey(publicKeyPem), 'base64'));

export function provenanceOf(p: ProvenanceInput, clusterKeyId: string): ProvenanceStatement {
  const scriptDigest = createHash('sha256')
    .update(p.script ?? JSON.stringify(p.command ?? []))
    .digest('hex');
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: `${p.namespace}/${p.artifact}`, digest: { sha256: p.digest.replace(/^sha256:/, '') } }],
    predicateType: SLSA_PROVENANCE,
    predicate: {
      buildDefinition: {
        buildType: BUILD_TYPE,
        externalParameters: {
          pipeline: `${p.namespace}/${p.pipeline}`,
          run: `${p.namespace}/${p.run}`,
          step: p.step,
          params: p.params,
          ...(p.trigger ? { trigger: p.trigger } : {}),
        },
        internalParameters: { image: p.image, scriptSha256: scriptDigest, attempt: p.attempt },
        resolvedDependencies: p.inputs.map((i) => ({
          uri: `artifact:${p.namespace}/${i.name}`,
          digest: { sha256: i.digest.replace(/^sha256:/, '') },
        })),
      },
      runDetails: {
        builder: { id: builderId(clusterKeyId) },
        metadata: {
          invocationId: `${p.namespace}/${p.run}/${p.step}`,
          ...(p.startedOn ? { startedOn: p.startedOn } : {}),
          finishedOn: p.finishedOn,
        },
        ...(p.placement
          ? {
              byproducts: [
                {
                  name: 'placement',
                  uri: p.placement.proof,
                  annotations: { pod: p.placement.pod, podUid: p.placement.podUid, node: p.placement.node ?? '' },
                },
              ],
            }
          : {}),
      },
    },
  } as ProvenanceStatement;
}

export function signProvenance(statement: ProvenanceStatement, signer: ProvenanceSigner): Envelope {
  const payload = Buffer.from(JSON.stringify(statement));
  return {
    payloadType: PAYLOAD_TYPE,
    payload: payload.toString('base64'),
    signatures: [{ keyid: signerKeyId(signer.publicKeyPem), sig: signer.sign(pae(PAYLOAD_TYPE, payload)) }],
  };
}

export type ProvenanceVerdict = { ok: true; statement: ProvenanceStatement } | { ok: false; problem: string };

/** Checks an artifact's envelope: signed by the key, SLSA provenance, its subject the artifact's digest. */
export function verifyProvenance(envelope: Envelope, digest: string, publicKeyPem: string): ProvenanceVerdict {
  let statement: ProvenanceStatement;
  try {
    statement = decodeProvenance(envelope);
  } catch (err) {
    return { ok: false, problem: (err as Error).message };
  }
  const keyid = signerKeyId(publicKeyPem);
  const message = pae(envelope.payloadType, Buffer.from(envelope.payload, 'base64'));
  const key = createPublicKey(publicKeyPem);
  const signed = envelope.signatures.some(
    (s) => s.keyid === keyid && verify(null, message, key, Buffer.from(s.sig, 'base64')),
  );
  if (!signed) return { ok: false, problem: `no signature by the cluster key ${keyid}` };
  const hex = digest.replace(/^sha256:/, '');
  if (!statement.subject.some((s) => s.digest?.sha256 === hex))
    return { ok: false, problem: `the statement's subject is not ${digest}` };
  return { ok: true, statement };
}
