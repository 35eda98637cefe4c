import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import type { Envelope } from '../supply-chain/types.ts';
import { checkAttestation, type ConversionStatement } from './attestation.ts';
import type { FileStore } from './storage.ts';
import type { Conversion } from './types.ts';

// GET …/conversions/NAME/verify: the output is hashed again from the store and compared with what the
// attestation says, the attestation's signature checked with the cluster key, and the conversion pod's placement
// proof verified. The answer carries everything needed to check it again offline (`npx entroos-verify
// --conversion answer.json --file output`): the envelope, the cluster's public key, the proof and its key.

export interface PlacementProofDeps {
  /** The placement of the pod (by namespace, name and uid) with its proof batch id, if it was proved. */
  placementOf(namespace: string, pod: string, uid: string): Promise<{ proofId: string; status: string } | undefined>;
  getProof(
    id: string,
  ): Promise<{ circuit: string; vkeyId: string; proof: unknown; publicSignals: string[]; vkey: unknown }>;
  verify(proof: { circuit: string; proof: unknown; publicSignals: unknown }): Promise<boolean>;
}

export interface ConversionVerification {
  kind: 'ConversionVerification';
  apiVersion: 'convert.entroos.io/v1';
  conversion: { namespace: string; name: string };
  /** The output is the attested one and the attestation is the cluster's (the placement proof is reported apart). */
  valid: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
  output?: { digest: string; computedDigest?: string };
  statement?: ConversionStatement;
  envelope?: Envelope;
  keyId: string;
  publicKeyPem: string;
  placementProof: {
    status: 'valid' | 'invalid' | 'pending' | 'none';
    detail: string;
    circuit?: string;
    vkeyId?: string;
    vkey?: unknown;
    proof?: unknown;
    publicSignals?: string[];
  };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(
    createReadStream(path),
    new Writable({ write: (chunk: Buffer, _e, done) => (hash.update(chunk), done()) }),
  );
  return `sha256:${hash.digest('hex')}`;
}

export async function verifyConversion(
  conversion: Conversion,
  files: FileStore,
  key: { keyId: string; publicKeyPem: string },
  proofs: PlacementProofDeps,
): Promise<ConversionVerification> {
  const namespace = conversion.metadata.namespace ?? '';
  const base = {
    kind: 'ConversionVerification' as const,
    apiVersion: 'convert.entroos.io/v1' as const,
    conversion: { namespace, name: conversion.metadata.name },
    keyId: key.keyId,
    publicKeyPem: key.publicKeyPem,
  };
  const { output, attestation } = conversion.status ?? {};
  if (!output || !attestation)
    return {
      ...base,
      valid: false,
      checks: [
        {
          name: 'attestation',
          ok: false,
          detail: `the conversion has no attested output (phase ${conversion.status?.phase ?? 'none'})`,
        },
      ],
      placementProof: { status: 'none', detail: 'no output' },
    };
  let computed: string | undefined;
  try {
    computed = await sha256File(files.pathOf(output.digest));
  } catch {
    computed = undefined;
  }
  const checks: ConversionVerification['checks'] = [];
  checks.push(
    computed === undefined
      ? { name: 'stored output', ok: false, detail: `the output ${output.digest} is no longer in the file store` }
      : computed === output.digest
        ? { name: 'stored output', ok: true, detail: `the stored file hashes to ${computed}` }
        : {
            name: 'stored output',
            ok: false,
            detail: `the stored file hashes to ${computed}, not ${output.digest}: it was changed after the conversion`,
          },
  );
  const check = checkAttestation(attestation.envelope, key.publicKeyPem, key.keyId, {
    outputDigest: computed ?? output.digest,
    inputDigest: conversion.spec.input.digest,
  });
  checks.push(...check.checks);
  const placementProof = await proofOf(proofs, namespace, conversion.status?.pod, conversion.status?.podUid);
  return {
    ...base,
    valid: checks.every((c) => c.ok),
    checks,
    output: { digest: output.digest, ...(computed ? { computedDigest: computed } : {}) },
    statement: check.statement,
    envelope: attestation.envelope,
    placementProof,
  };
}

async function proofOf(
  proofs: PlacementProofDeps,
  namespace: string,
  pod: string | undefined,
  uid: string | undefined,
): Promise<ConversionVerification['placementProof']> {
  if (!pod || !uid) return { status: 'none', detail: 'the conversion names no pod' };
  const placement = await proofs.placementOf(namespace, pod, uid);
  if (!placement)
    return { status: 'none', detail: `no placement proof for pod ${pod} (provers off, or not proved yet)` };
  const proof = await proofs.getProof(placement.proofId);
  const ok = await proofs.verify(proof);
  return {
    status: ok ? 'valid' : 'invalid',
    detail: ok
      ? `proof ${placement.proofId} (${proof.circuit}) verifies`
      : `proof ${placement.proofId} does not verify`,
    circuit: proof.circuit,
    vkeyId: proof.vkeyId,
    vkey: proof.vkey,
    proof: proof.proof,
    publicSignals: proof.publicSignals,
  };
}
