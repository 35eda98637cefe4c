import { lookupKey } from '../../apimachinery/registry.ts';
import type { ObjectApi } from '../../apiserver/object-api.ts';
import { RESOURCES, type Batch, type BatchPhase, type Participant, type Product } from './types.ts';

// What anyone holding a batch's QR code may see, without logging in: the verdict, and only the details the batch's
// owner listed in spec.disclose. The reason is worded per phase so it names no participant the owner did not
// disclose; a recall's reason is always shown (it is a safety notice).

export interface PublicVerdict {
  namespace: string;
  name: string;
  found: boolean;
  verified: boolean;
  phase: BatchPhase | 'NotFound';
  reason: string;
  product?: string;
  producer?: { name: string; location?: string };
  quantity?: string;
  inputs?: string[];
  custody?: { participant: string; action: string; time: string; verified: boolean }[];
}

const GENERIC_REASONS: Record<BatchPhase, string> = {
  Complete: 'Every custody step is signed by the party that held the batch.',
  BrokenChain: 'A custody step is missing, or was signed by a party that did not hold the batch.',
  Tampered: 'A signature or the batch record no longer verifies: it was changed after it was signed.',
  Recalled: 'This batch has been recalled.',
  Pending: 'This batch has not been verified yet.',
};

export function publicVerdict(api: ObjectApi, namespace: string, name: string): PublicVerdict {
  const types = {
    batches: lookupKey(RESOURCES.batches),
    products: lookupKey(RESOURCES.products),
    participants: lookupKey(RESOURCES.participants),
  };
  const batch = types.batches ? (api.peek(types.batches, namespace, name) as Batch | undefined) : undefined;
  if (!batch)
    return {
      namespace,
      name,
      found: false,
      verified: false,
      phase: 'NotFound',
      reason: 'No batch with this code is registered.',
    };
  const phase = batch.status?.phase ?? 'Pending';
  const disclose = new Set(batch.spec.disclose ?? []);
  const displayName = (p: string) =>
    (types.participants ? (api.peek(types.participants, namespace, p) as Participant | undefined) : undefined)?.spec
      .displayName ?? p;
  const reason =
    phase === 'Recalled'
      ? batch.spec.recall
        ? `Recalled: ${batch.spec.recall.reason}`
        : `Made from a recalled batch${disclose.has('inputs') && batch.status?.recalledBy ? ` (${batch.status.recalledBy})` : ''}.`
      : disclose.has('custody') && phase !== 'Complete'
        ? (batch.status?.reason ?? GENERIC_REASONS[phase])
        : GENERIC_REASONS[phase];
  const verdict: PublicVerdict = { namespace, name, found: true, verified: phase === 'Complete', phase, reason };
  if (disclose.has('product')) {
    const product = types.products
      ? (api.peek(types.products, namespace, batch.spec.product) as Product | undefined)
      : undefined;
    verdict.product = product?.spec.displayName ?? batch.spec.product;
  }
  if (disclose.has('producer')) {
    const p = types.participants
      ? (api.peek(types.participants, namespace, batch.spec.producer) as Participant | undefined)
      : undefined;
    verdict.producer = {
      name: p?.spec.displayName ?? batch.spec.producer,
      ...(p?.spec.location ? { location: p.spec.location } : {}),
    };
  }
  if (disclose.has('quantity')) verdict.quantity = `${batch.spec.quantity} ${batch.spec.unit}`;
  if (disclose.has('inputs')) verdict.inputs = batch.spec.inputs ?? [];
  if (disclose.has('custody'))
    verdict.custody = (batch.status?.custody ?? []).map((c) => ({
      participant: displayName(c.participant),
      action: c.action,
      time: c.time,
      verified: c.verified,
    }));
  return verdict;
}
