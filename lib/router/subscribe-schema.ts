import { z } from 'zod';
import type { SubscribeRequest as PackageSubscribeRequest } from '@entroos/client/socket';

// Validation of socket subscriptions (server side; the protocol is in protocol.ts).

export const PLATFORM_TOPICS = [
  'scheduling.decision',
  'node.fault',
  'proof.ready',
  'proof.failed',
  'leader.changed',
  'metrics.sample',
  'audit.records',
] as const;

const id = z.string().min(1, 'id must not be empty').max(64, 'id must be at most 64 characters');

export const objectSubscriptionSchema = z.object({
  id,
  stream: z.literal('objects').default('objects'),
  /** e.g. "pods", "nodes", "deployments.apps" (or just "deployments"). */
  resource: z.string().min(1).max(128),
  namespace: z.string().max(253).optional(),
  name: z.string().max(253).optional(),
  labelSelector: z.string().max(1024).optional(),
  fieldSelector: z.string().max(1024).optional(),
  /** Start after this version (from a list); omitted: from now on. */
  resourceVersion: z
    .union([z.string().regex(/^\d+$/, 'resourceVersion must be a number'), z.number().int().nonnegative()])
    .optional(),
});

export const platformSubscriptionSchema = z.object({
  id,
  stream: z.literal('platform'),
  topics: z.array(z.enum(PLATFORM_TOPICS)).min(1, 'name at least one topic'),
});

export const subscribeSchema = z.union([platformSubscriptionSchema, objectSubscriptionSchema]);
/** Parses by `stream` first, so errors name the fields of the stream the client meant. */
export function parseSubscription(input: unknown) {
  const stream = typeof input === 'object' && input !== null ? (input as { stream?: unknown }).stream : undefined;
  return stream === 'platform'
    ? platformSubscriptionSchema.safeParse(input)
    : objectSubscriptionSchema.safeParse(input);
}

export type SubscribeRequest = z.input<typeof subscribeSchema>;
/** A subscription as a client describes it (the socket manager assigns the id). */
export type SubscriptionSpec = SubscribeRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

// What @entroos/client's socket transport sends must be a subscription this schema accepts (checked by tsc).
type Accepts<T extends SubscribeRequest> = T;
export type PackageSubscriptionsAccepted = Accepts<PackageSubscribeRequest>;
