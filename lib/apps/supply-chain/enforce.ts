import type { Pod } from '../../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import { lookupKey } from '../../apimachinery/registry.ts';
import type { AdmissionPolicy, ObjectApi } from '../../apiserver/object-api.ts';
import {
  BUILDER_ROLE,
  imageDigest,
  isBuildAttestation,
  SLSA_PROVENANCE,
  verifyBuildAttestation,
  type BuildAttestation,
  type BuildVerdict,
} from './build.ts';
import { BUILD_ACTION, RESOURCES, type Participant } from './types.ts';

// Enforcement beyond the anchors (sigstore/policy-controller #606): in a namespace labelled
// supplychain.entroos.io/enforce=true, a pod is admitted only if every image it runs is pinned by digest and that
// digest has a valid build attestation in the namespace (build.ts). Checked on create, and on an update only for
// the images it changes (what runs was admitted already); status writes are not checked.

export const ENFORCE_LABEL = 'supplychain.entroos.io/enforce';

type Stored = BuildAttestation & KubeObject;

const containersOf = (pod: KubeObject): { name: string; image?: string }[] => {
  const spec = (pod as Pod).spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])];
};

export function supplyChainPolicies(api: ObjectApi): Record<string, AdmissionPolicy> {
  // Stored objects never change in place: a verdict holds until the object or its signer's key changes.
  const verdicts = new WeakMap<object, { publicKey: string | undefined; verdict: BuildVerdict }>();
  const verify = (a: Stored, participantOf: (n: string) => Participant | undefined): BuildVerdict => {
    const publicKey = participantOf(a.spec.participant)?.spec.publicKey;
    const hit = verdicts.get(a);
    if (hit && hit.publicKey === publicKey) return hit.verdict;
    const verdict = verifyBuildAttestation(a.spec, participantOf);
    verdicts.set(a, { publicKey, verdict });
    return verdict;
  };

  /** Why `image` may not run in `namespace`, or undefined when a valid build attestation vouches for it. */
  const imageProblem = (namespace: string, container: string, image: string): string | undefined => {
    const what = `image "${image}" of container "${container}"`;
    const digest = imageDigest(image);
    if (!digest)
      return `${what} is not pinned by digest: namespace "${namespace}" enforces build attestations (${ENFORCE_LABEL}=true), so an image must be referenced as NAME@sha256:DIGEST, the digest a build attestation vouches for`;
    const attestations = lookupKey(RESOURCES.attestations);
    const participants = lookupKey(RESOURCES.participants);
    const participantOf = (n: string) =>
      participants ? (api.peek(participants, namespace, n) as Participant | undefined) : undefined;
    const candidates = attestations
      ? (api.cache.list(attestations.key, namespace).items as Stored[]).filter(
          (a) => isBuildAttestation(a) && a.spec.digest === digest,
        )
      : [];
    const problems: string[] = [];
    for (const a of candidates) {
      const verdict = verify(a, participantOf);
      if (verdict.ok) return undefined;
      problems.push(`attestation "${a.metadata.name}": ${verdict.problem}`);
    }
    return problems.length
      ? `${what} has no valid build attestation: ${problems.join('; ')}`
      : `${what} has no valid build attestation: no Attestation in namespace "${namespace}" with action "${BUILD_ACTION}" and digest ${digest} (an in-toto statement with predicateType ${SLSA_PROVENANCE} and that subject digest, signed by a participant with the ${BUILDER_ROLE} role)`;
  };

  return {
    pods: (_t, obj, old, subresource) => {
      if (subresource || obj.metadata.deletionTimestamp) return undefined;
      const namespace = obj.metadata.namespace ?? '';
      const namespaces = lookupKey('namespaces');
      const ns = namespaces ? api.peek(namespaces, undefined, namespace) : undefined;
      const labels = ns?.metadata.labels as Record<string, string> | undefined;
      if (labels?.[ENFORCE_LABEL] !== 'true') return undefined;
      const admitted = new Set(old ? containersOf(old).map((c) => c.image) : []);
      for (const c of containersOf(obj)) {
        if (!c.image || admitted.has(c.image)) continue;
        const problem = imageProblem(namespace, c.name, c.image);
        if (problem) return problem;
      }
      return undefined;
    },
  };
}
