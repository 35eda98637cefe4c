import type { StatusCause } from '../../apimachinery/errors.ts';
import { lookupKey } from '../../apimachinery/registry.ts';
import type { ObjectApi, ValidatingAdmission } from '../../apiserver/object-api.ts';
import { parsePublicKey } from './attestation.ts';
import { verifyAttestation } from './verify.ts';
import { isBuildAttestation, verifyBuildAttestation } from './build.ts';
import { RESOURCES, type Attestation, type Participant } from './types.ts';

// Admission for the supply chain's kinds: an Attestation is stored only if its envelope is a custody statement
// about the batch and participant it claims (or, for action `build`, SLSA provenance of the image digest it claims,
// by a builder), signed with that participant's registered key; a Participant only
// with a usable ed25519 key. Status writes and deletions are not re-checked (the controller re-verifies at rest).

export function supplyChainAdmission(api: ObjectApi): Record<string, ValidatingAdmission> {
  const participantIn = (namespace: string) => (name: string) => {
    const t = lookupKey(RESOURCES.participants);
    return t ? (api.peek(t, namespace, name) as Participant | undefined) : undefined;
  };
  return {
    [RESOURCES.participants]: (_t, obj, _old, subresource) => {
      if (subresource) return [];
      const publicKey = (obj as Participant).spec?.publicKey ?? '';
      try {
        parsePublicKey(publicKey);
        return [];
      } catch (err) {
        return [cause('spec.publicKey', publicKey, (err as Error).message)];
      }
    },
    [RESOURCES.attestations]: (_t, obj, _old, subresource) => {
      if (subresource || obj.metadata.deletionTimestamp) return [];
      if (isBuildAttestation(obj)) {
        const batch = (obj.spec as { batch?: string }).batch;
        if (batch) return [cause('spec.batch', batch, 'a build attestation is about an image, not a batch')];
        const verdict = verifyBuildAttestation(obj.spec, participantIn(obj.metadata.namespace ?? ''));
        return verdict.ok ? [] : [cause('spec.envelope', undefined, verdict.problem)];
      }
      const attestation = obj as Attestation;
      if (!attestation.spec.batch)
        return [
          {
            reason: 'FieldValueRequired',
            field: 'spec.batch',
            message: 'Required value: a custody step names its batch',
          },
        ];
      const verdict = verifyAttestation(
        attestation.metadata.namespace ?? '',
        attestation.spec,
        participantIn(attestation.metadata.namespace ?? ''),
      );
      return verdict.ok ? [] : [cause('spec.envelope', undefined, verdict.problem)];
    },
  };
}

const cause = (field: string, value: unknown, message: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: value === undefined ? `Invalid value: ${message}` : `Invalid value: ${JSON.stringify(value)}: ${message}`,
  field,
});
