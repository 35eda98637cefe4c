import type { ObjectApi } from '../apiserver/object-api.ts';
import type { NodeReads } from '../apiserver/node-reads.ts';
import type { Authorizer } from '../auth/authorizer.ts';
import type { Principal } from '../auth/principal.ts';
import type { KubeObject } from '../apimachinery/object.ts';

// What the GraphQL layer is handed by the edge (lib/http/graphql.ts). It sits just above the API server, so the
// EntroOS services above it — the scheduler's decisions, the proofs, the history, the policy lab, the audit
// trail — reach it as these narrow interfaces, as the API server reaches the node agents through NodeReads.

/** A plain JSON record, as the entroos.io APIs return them (their shapes are in schema/entroos-schemas.ts). */
export type Json = Record<string, unknown>;

export interface PlacementFilter {
  namespace?: string;
  pod?: string;
  node?: string;
  status?: string;
  limit?: number;
}

/** The entroos.io APIs. Leader-only services throw a retryable 503 ApiError on an instance that does not lead. */
export interface EntroosSources {
  /** The latest scheduling decision of each pod (null when none is recorded), in the order given: one call per batch. */
  decisions(pods: readonly KubeObject[]): (Json | null)[];
  recentDecisions(limit: number): Json[];
  /** The placements (with their proof batch) of these pods, in one store read: matched to pods by podUid. */
  placements(pods: readonly KubeObject[]): Promise<Json[]>;
  listPlacements(filter: PlacementFilter): Promise<Json[]>;
  proof(id: string): Promise<Json | null>;
  verifyProofs(ids: string[] | undefined): Promise<Json>;
  history(window: string): Json;
  scheduler(): Json;
  runLab(input: unknown): Promise<Json>;
}

/** One GraphQL write or subscription, for the audit trail (the HTTP request itself is recorded by the edge). */
export interface AuditedOperation {
  principal: Principal;
  verb: string;
  resource: { group: string; resource: string; subresource?: string; namespace?: string; name?: string };
  code: number;
  message?: string;
  transport: 'http' | 'websocket';
  sourceIP?: string;
  userAgent?: string;
  requestObject?: unknown;
}

export interface GraphqlDeps {
  api: ObjectApi;
  authorizer: Authorizer;
  nodes: NodeReads;
  sources: EntroosSources;
  audit?: (operation: AuditedOperation) => void;
  log?: { error(obj: object, msg: string): void };
}
