import type { Level, Stage } from './policy.ts';
import type { ObjectRef } from './request-info.ts';

// The audit.k8s.io/v1 Event, as kube-apiserver writes it (the fields EntroOS has: no impersonation).

export interface AuditUser {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: Exclude<Level, 'None'>;
  auditID: string;
  stage: Stage;
  requestURI: string;
  verb: string;
  user: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: ObjectRef;
  responseStatus?: {
    metadata: Record<string, never>;
    status?: string;
    message?: string;
    reason?: string;
    code: number;
  };
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

export const DECISION_ANNOTATION = 'authorization.k8s.io/decision';
export const REASON_ANNOTATION = 'authorization.k8s.io/reason';
/** Logins: whether the credentials were accepted, and why not. */
export const LOGIN_RESULT_ANNOTATION = 'authentication.entroos.io/result';
export const LOGIN_REASON_ANNOTATION = 'authentication.entroos.io/reason';
/** Why an unauthenticated request was refused. */
export const AUTHN_REASON_ANNOTATION = 'authentication.entroos.io/reason';
/** Requests that did not come over HTTP (socket subscriptions) name their transport. */
export const TRANSPORT_ANNOTATION = 'audit.entroos.io/transport';
/** X-Forwarded-For entries not believed (not from a trusted proxy, ENTROOS_TRUSTED_PROXIES): what the client claimed. */
export const UNVERIFIED_FORWARDED_ANNOTATION = 'audit.entroos.io/unverified-forwarded-for';

/** The user Kubernetes names for requests without credentials. */
export const ANONYMOUS: AuditUser = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/** A short line for the live tail and the dashboard's table (the full event is fetched on demand). */
export interface AuditSummary {
  seq: number;
  time: string;
  auditID: string;
  stage: Stage;
  user: string;
  verb: string;
  resource: string;
  namespace: string;
  name: string;
  code: number;
  decision: string;
  requestURI: string;
  sourceIP: string;
}

/** The search columns of an event (copied into the record beside its JSON). */
export function searchFields(event: AuditEvent) {
  const ref = event.objectRef;
  return {
    time: new Date(event.stageTimestamp),
    auditId: event.auditID,
    stage: event.stage,
    level: event.level,
    user: event.user.username,
    verb: event.verb,
    resource: ref?.resource ?? '',
    namespace: ref?.namespace ?? '',
    name: ref?.name ?? '',
    code: event.responseStatus?.code ?? 0,
    decision: event.annotations?.[DECISION_ANNOTATION] ?? '',
  };
}
