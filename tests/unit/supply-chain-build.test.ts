import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateParticipantKey, signStatement, STATEMENT_TYPE } from '@/lib/apps/supply-chain/attestation.ts';
import {
  imageDigest,
  provenanceStatement,
  SLSA_PROVENANCE,
  verifyBuildAttestation,
  type BuildAttestation,
} from '@/lib/apps/supply-chain/build.ts';
import { parseBatchCode } from '@/lib/apps/supply-chain/batch-code.ts';
import type { Participant } from '@/lib/apps/supply-chain/types.ts';

// Build attestations (SLSA provenance of an image digest, by a builder) and what the scanner makes of a QR code.

const digest = `sha256:${createHash('sha256').update('app').digest('hex')}`;
const ci = generateParticipantKey();
const participants: Record<string, Participant> = {
  ci: {
    apiVersion: 'v1',
    kind: 'Participant',
    metadata: { name: 'ci', uid: 'u-ci', resourceVersion: '1' },
    spec: { roles: ['builder'], publicKey: ci.publicKey },
  },
  farm: {
    apiVersion: 'v1',
    kind: 'Participant',
    metadata: { name: 'farm', uid: 'u-farm', resourceVersion: '1' },
    spec: { roles: ['farm'], publicKey: ci.publicKey },
  },
};
const lookup = (n: string) => participants[n];
const statement = provenanceStatement({ image: 'shop/app', digest, builderId: 'ci', buildType: 'https://ci/v1' });
const spec = (over: Partial<BuildAttestation['spec']> = {}): BuildAttestation['spec'] => ({
  participant: 'ci',
  action: 'build',
  digest,
  envelope: signStatement(statement, ci.privateKey),
  ...over,
});

describe('build attestations', () => {
  it('reads the digest an image reference pins, and nothing from a tag', () => {
    expect(imageDigest(`registry.local:5000/shop/app@${digest}`)).toBe(digest);
    expect(imageDigest(`shop/app:1.0@${digest}`)).toBe(digest);
    expect(imageDigest('shop/app:1.0')).toBeUndefined();
    expect(imageDigest('shop/app@sha256:abc')).toBeUndefined();
  });

  it('verifies SLSA provenance of the digest signed by a builder', () => {
    const verdict = verifyBuildAttestation(spec(), lookup);
    expect(verdict.ok).toBe(true);
    expect(statement).toMatchObject({ _type: STATEMENT_TYPE, predicateType: SLSA_PROVENANCE });
  });

  it('names what is wrong: another digest, a non-builder, another key, a custody predicate', () => {
    const other = `sha256:${'0'.repeat(64)}`;
    expect(verifyBuildAttestation(spec({ digest: other }), lookup)).toEqual({
      ok: false,
      problem: `the statement's subject has no digest ${other}`,
    });
    expect(verifyBuildAttestation(spec({ participant: 'farm' }), lookup)).toEqual({
      ok: false,
      problem: 'participant "farm" does not have the builder role',
    });
    const mallory = generateParticipantKey();
    const forged = verifyBuildAttestation(spec({ envelope: signStatement(statement, mallory.privateKey) }), lookup);
    expect(forged.ok || forged.problem).toMatch(/^unknown key: the envelope is signed by sha256:/);
    const custody = signStatement(
      { ...statement, predicateType: 'https://supplychain.entroos.io/custody/v1' },
      ci.privateKey,
    );
    const wrongType = verifyBuildAttestation(spec({ envelope: custody }), lookup);
    expect(wrongType.ok || wrongType.problem).toBe(
      `the envelope is not a build provenance statement: the statement's predicateType must be ${SLSA_PROVENANCE}`,
    );
  });
});

describe('scanned codes', () => {
  const origin = 'https://entroos.example:8443';
  it('reads a batch code of this server, and tells another server’s and other codes apart', () => {
    expect(parseBatchCode(`${origin}/apps/supply-chain/verify/coffee/ember%20roast`, origin)).toEqual({
      kind: 'batch',
      namespace: 'coffee',
      name: 'ember roast',
    });
    expect(parseBatchCode('https://other.example/apps/supply-chain/verify/coffee/lot-1', origin)).toEqual({
      kind: 'foreign',
      host: 'other.example',
    });
    expect(parseBatchCode('https://example.org/menu', origin)).toEqual({ kind: 'invalid' });
    expect(parseBatchCode('WIFI:S:cafe;T:WPA;P:secret;;', origin)).toEqual({ kind: 'invalid' });
    expect(parseBatchCode(`${origin}/apps/supply-chain/verify/coffee/lot-1/extra`, origin)).toEqual({
      kind: 'invalid',
    });
  });
});
