import type { KubeObject } from '../../apimachinery/object.ts';
import { jsonEqual } from '../../apimachinery/patch.ts';
import { typeByKey } from '../../apimachinery/registry.ts';
import { isApiError } from '../../apimachinery/errors.ts';
import type { ControllerContext } from '../../controllers/context.ts';
import { WorkQueue } from '../../controllers/queue.ts';
import { followResource } from '../../controllers/follow.ts';
import type { CacheListener } from '../../store/watch-cache.ts';
import type { AppController } from '../types.ts';
import { evaluateBatch } from './chain.ts';
import { parsePublicKey } from './attestation.ts';
import { leafOfKey, merkleRoot, TREE_DEPTH } from './merkle.ts';
import { verifyStored } from './verify.ts';
import type { Prover } from '../../proofs/prover.ts';
import { certifiedSigner, isCurrent, proveCertification } from './certification.ts';
import {
  RESOURCES,
  type Attestation,
  type Batch,
  type BatchStatus,
  type Certification,
  type CertifiedSet,
  type Participant,
} from './types.ts';

// The supply chain's controller. Batches: each one's status is evaluated from its attestations (re-verified as
// stored) and its inputs' statuses; when a batch's status changes, the batches made from it are queued, so a
// recall or a tampered input reaches everything downstream. CertifiedSets: the Poseidon Merkle root of their
// members' keys, recomputed when the set or a member's key changes. Certifications: for a complete batch whose
// owner discloses `certified`, a zero-knowledge proof per set one of its custody signers belongs to, made again
// when the set's root or the batch changes (certification.ts).

const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
const split = (k: string) => {
  const at = k.indexOf('/');
  return { namespace: k.slice(0, at), name: k.slice(at + 1) };
};

/** A batch's owner asked for certified-custody proofs, and its chain is complete. */
const wantsCertification = (batch: Batch, status: BatchStatus | undefined) =>
  (batch.spec.disclose ?? []).includes('certified') && status?.phase === 'Complete';

export function startSupplyChainController({ api, log }: ControllerContext, prover: Prover): AppController[] {
  const BATCHES = typeByKey(RESOURCES.batches);
  const ATTESTATIONS = typeByKey(RESOURCES.attestations);
  const PARTICIPANTS = typeByKey(RESOURCES.participants);
  const SETS = typeByKey(RESOURCES.certifiedSets);

  // batch key → attestation names about it; input batch key → batches made from it.
  const attestationsOf = new Map<string, Set<string>>();
  const dependentsOf = new Map<string, Set<string>>();
  const index = (map: Map<string, Set<string>>, k: string, value: string, add: boolean) => {
    let set = map.get(k);
    if (add) {
      if (!set) map.set(k, (set = new Set()));
      set.add(value);
    } else if (set) {
      set.delete(value);
      if (!set.size) map.delete(k);
    }
  };
  const indexAttestation = (a: KubeObject, add: boolean) => {
    const att = a as Attestation;
    // A build attestation is about an image, not a batch (pod admission reads those).
    if (!att.spec.batch) return;
    index(attestationsOf, key(att.metadata.namespace, att.spec.batch), att.metadata.name, add);
  };
  const indexBatch = (b: KubeObject, add: boolean) => {
    const batch = b as Batch;
    for (const input of batch.spec.inputs ?? [])
      index(dependentsOf, key(batch.metadata.namespace, input), batch.metadata.name, add);
  };

  const batches = new WorkQueue(reconcileBatch, (k, err) => log.warn({ err, key: k }, 'batch reconcile failed'));
  const sets = new WorkQueue(reconcileSet, (k, err) => log.warn({ err, key: k }, 'certified set reconcile failed'));
  const certify = new WorkQueue(reconcileCertification, (k, err) =>
    log.warn({ err, key: k }, 'batch certification failed'),
  );
  const queueDependents = (k: string) => {
    const { namespace } = split(k);
    for (const name of dependentsOf.get(k) ?? []) batches.add(key(namespace, name));
  };

  const unsubscribe: (() => void)[] = [];
  const follow = (resource: string, onEvent: CacheListener) =>
    unsubscribe.push(followResource(api.cache, resource, onEvent));

  follow(ATTESTATIONS.key, (e) => {
    if (e.previous) indexAttestation(e.previous, false);
    if (e.type !== 'DELETED') indexAttestation(e.object, true);
    for (const o of [e.previous, e.object])
      if (o && (o as Attestation).spec.batch) batches.add(key(o.metadata.namespace, (o as Attestation).spec.batch));
  });
  follow(BATCHES.key, (e) => {
    if (e.previous) indexBatch(e.previous, false);
    if (e.type !== 'DELETED') indexBatch(e.object, true);
    const k = key(e.object.metadata.namespace, e.object.metadata.name);
    // A status write by this controller changes nothing it reads, unless the phase changed: then the batches
    // made from this one are evaluated again.
    const statusOnly = e.previous && jsonEqual((e.previous as Batch).spec, (e.object as Batch).spec);
    if (!statusOnly || e.type === 'DELETED') batches.add(k);
    if (e.type === 'DELETED' || !jsonEqual(phaseOf(e.previous), phaseOf(e.object))) queueDependents(k);
  });
  follow(PARTICIPANTS.key, (e) => {
    // A key change re-verifies what the participant signed, and re-roots the sets it belongs to.
    const ns = e.object.metadata.namespace;
    const name = e.object.metadata.name;
    for (const [k, names] of attestationsOf) {
      if (split(k).namespace !== ns) continue;
      for (const a of names) {
        const att = api.peek(ATTESTATIONS, ns, a) as Attestation | undefined;
        if (att?.spec.participant === name) {
          batches.add(k);
          break;
        }
      }
    }
    for (const set of api.cache.list(SETS.key, ns).items as CertifiedSet[])
      if (set.spec.members.includes(name)) sets.add(key(ns, set.metadata.name));
  });
  follow(SETS.key, (e) => {
    const ns = e.object.metadata.namespace;
    if (e.type !== 'DELETED') sets.add(key(ns, e.object.metadata.name));
    // A new root (or a set gone) makes the certifications against the old one stale.
    const root = (o: KubeObject | undefined) => (o as CertifiedSet | undefined)?.status?.root;
    if (e.type === 'DELETED' || root(e.previous) !== root(e.object))
      for (const b of api.cache.list(BATCHES.key, ns).items as Batch[])
        if (wantsCertification(b, b.status)) certify.add(key(ns, b.metadata.name));
  });

  async function reconcileBatch(k: string): Promise<void> {
    const { namespace, name } = split(k);
    const batch = api.peek(BATCHES, namespace, name) as Batch | undefined;
    if (!batch || batch.metadata.deletionTimestamp) return;
    const participantOf = (p: string) => api.peek(PARTICIPANTS, namespace, p) as Participant | undefined;
    const attestations = [...(attestationsOf.get(k) ?? [])]
      .map((a) => api.peek(ATTESTATIONS, namespace, a) as Attestation | undefined)
      .filter((a): a is Attestation => !!a)
      .map((attestation) => ({ attestation, verdict: verifyStored(attestation, participantOf) }));
    const inputs = (batch.spec.inputs ?? []).map((input) => {
      const b = api.peek(BATCHES, namespace, input) as Batch | undefined;
      return { name: input, exists: !!b, status: b?.status };
    });
    const status: BatchStatus = {
      ...evaluateBatch({ namespace, batch, attestations, inputs }),
      observedGeneration: generationOf(batch),
    };
    if (wantsCertification(batch, status)) {
      // Proofs still about this batch as it is and their set as it is are kept; the certifier makes the rest.
      const setOf = (name: string) => api.peek(SETS, namespace, name) as CertifiedSet | undefined;
      const kept = (batch.status?.certifications ?? []).filter((c) => isCurrent(c, { ...batch, status }, setOf(c.set)));
      if (kept.length) status.certifications = kept;
      if (batch.status?.certificationProblem) status.certificationProblem = batch.status.certificationProblem;
      certify.add(k);
    }
    if (jsonEqual(status, batch.status)) return;
    try {
      await api.replace(BATCHES, batch, { ...batch, status }, 'status');
    } catch (err) {
      // Changed meanwhile: its own event queues it again.
      if (isApiError(err) && (err.code === 404 || err.code === 409)) return;
      throw err;
    }
  }

  async function reconcileCertification(k: string): Promise<void> {
    const { namespace, name } = split(k);
    const batch = api.peek(BATCHES, namespace, name) as Batch | undefined;
    if (!batch || batch.metadata.deletionTimestamp || !wantsCertification(batch, batch.status)) return;
    const have = batch.status?.certifications ?? [];
    const made: Certification[] = [];
    const problems: string[] = [];
    for (const set of api.cache.list(SETS.key, namespace).items as CertifiedSet[]) {
      const signer = set.status ? certifiedSigner(batch, set) : undefined;
      if (!signer) continue;
      const current = have.find((c) => c.set === set.metadata.name && isCurrent(c, batch, set));
      if (current) {
        made.push(current);
        continue;
      }
      const participant = api.peek(PARTICIPANTS, namespace, signer.participant) as Participant | undefined;
      if (!participant) continue;
      try {
        made.push(await proveCertification(prover, batch, set, signer, participant));
      } catch (err) {
        problems.push(`certified set ${set.metadata.name}: ${(err as Error).message}`);
      }
    }
    // Proving takes a while: write only onto the batch as it still is (a change queues it again).
    const now = api.peek(BATCHES, namespace, name) as Batch | undefined;
    if (!now?.status || now.status.digest !== batch.status?.digest || !wantsCertification(now, now.status)) return;
    const status: BatchStatus = { ...now.status };
    delete status.certifications;
    delete status.certificationProblem;
    if (made.length) status.certifications = made;
    if (problems.length) status.certificationProblem = problems.join('; ');
    else if (!made.length)
      status.certificationProblem = 'no custody step is signed by a member of a certified set in this namespace';
    if (jsonEqual(status, now.status)) return;
    try {
      await api.replace(BATCHES, now, { ...now, status }, 'status');
    } catch (err) {
      if (isApiError(err) && (err.code === 404 || err.code === 409)) return certify.add(k);
      throw err;
    }
  }

  async function reconcileSet(k: string): Promise<void> {
    const { namespace, name } = split(k);
    const set = api.peek(SETS, namespace, name) as CertifiedSet | undefined;
    if (!set || set.metadata.deletionTimestamp) return;
    const leaves: { participant: string; index: number; leaf: string }[] = [];
    const missing: string[] = [];
    for (const member of set.spec.members) {
      const p = api.peek(PARTICIPANTS, namespace, member) as Participant | undefined;
      if (!p) {
        missing.push(member);
        continue;
      }
      leaves.push({
        participant: member,
        index: leaves.length,
        leaf: String(leafOfKey(parsePublicKey(p.spec.publicKey).raw)),
      });
    }
    const status: NonNullable<CertifiedSet['status']> = {
      root: String(merkleRoot(leaves.map((l) => BigInt(l.leaf)))),
      depth: TREE_DEPTH,
      size: leaves.length,
      leaves,
      observedGeneration: generationOf(set),
    };
    if (missing.length) status.missing = missing;
    if (jsonEqual(status, set.status)) return;
    await api.replace(SETS, set, { ...set, status }, 'status');
  }

  return [
    {
      stop: () => {
        for (const u of unsubscribe) u();
        batches.stop();
        sets.stop();
        certify.stop();
      },
      idle: async () => {
        await batches.idle();
        await sets.idle();
        await batches.idle();
        await certify.idle();
      },
    },
  ];
}

const phaseOf = (o: KubeObject | undefined) => {
  const status = (o as Batch | undefined)?.status;
  return status ? [status.phase, status.recalledBy ?? ''] : undefined;
};

const generationOf = (o: KubeObject): number | undefined =>
  typeof o.metadata.generation === 'number' ? o.metadata.generation : undefined;
