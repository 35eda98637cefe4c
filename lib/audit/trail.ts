import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.ts';
import type { ApiHeaders } from '../apimachinery/api-request.ts';
import type { ApiResponse } from '../apimachinery/json-response.ts';
import type { AuditChain, AuditCheckpointRow, AuditRow, NewAuditEntry, Store } from '../store/index.ts';
import { checkpointMessage, linkHash, type VerifyResult } from './chain.ts';
import {
  ANONYMOUS,
  AUTHN_REASON_ANNOTATION,
  DECISION_ANNOTATION,
  LOGIN_REASON_ANNOTATION,
  LOGIN_RESULT_ANNOTATION,
  REASON_ANNOTATION,
  TRANSPORT_ANNOTATION,
  UNVERIFIED_FORWARDED_ANNOTATION,
  searchFields,
  type AuditEvent,
  type AuditSummary,
  type AuditUser,
} from './event.ts';
import { levelAtLeast, type Level, type PolicyDecision, type PolicyEvaluator, type Stage } from './policy.ts';
import { redactBody } from './redact.ts';
import { requestInfo, type ObjectRef, type RequestInfo } from './request-info.ts';
import type { AuditSink } from './sinks.ts';

// The audit trail of one instance. The edge tells it about each request in steps — begin (server.ts), who and
// whether allowed (guard), the response (withAuth, the Kubernetes handler), the status code when the response
// closes (server.ts) — and it builds one audit.k8s.io/v1 Event per stage the policy keeps. Events wait in memory
// and are appended to the database's chain in batches off the request path; then the file and webhook sinks and
// the live tail get them.

/** server.ts sets it on every audited request (a client's value is replaced): the key of the request's entry. */
export const AUDIT_ID_HEADER = 'x-entroos-audit-id';

type HeaderSource = ApiHeaders | Record<string, string | string[] | undefined>;
// Node's header record holds strings: a header named "get" is no function.
const isApiHeaders = (headers: HeaderSource): headers is ApiHeaders => typeof headers.get === 'function';
export function auditIdOf(headers: HeaderSource | undefined): string | undefined {
  if (!headers) return undefined;
  const value = isApiHeaders(headers) ? headers.get(AUDIT_ID_HEADER) : headers[AUDIT_ID_HEADER];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

/** The X-Forwarded-For entries nobody vouched for, kept as a claim beside the believed sourceIPs. */
function unverifiedAnnotation(unverified: readonly string[] | undefined): Record<string, string> {
  if (!unverified?.length) return {};
  const shown = unverified.slice(-10).join(', ');
  return { [UNVERIFIED_FORWARDED_ANNOTATION]: shown.length > 300 ? `${shown.slice(0, 300)}…` : shown };
}

export interface Signer {
  keyId: string;
  sign(data: string): string;
}

/** Where the tail's summaries go (the platform bus: every instance's sockets). */
export interface TailPublisher {
  publish(topic: 'audit.records', data: { records: AuditSummary[]; more: number }): void;
}

export interface AuditTrailOptions {
  store: Pick<Store, 'audit'>;
  policy: PolicyEvaluator;
  signer: Signer;
  log: Logger;
  sinks?: AuditSink[];
  tail?: TailPublisher;
  /** How long events wait before they are appended (ms), and how many make a batch sooner. */
  flushMs?: number;
  batchSize?: number;
  /** A checkpoint row at most this often (the signed head is rewritten by every append). */
  checkpointSeconds?: number;
  /** Events kept in memory while the database cannot take them; past it new ones are dropped (and logged). */
  maxQueued?: number;
}

export interface RequestStart {
  method: string;
  /** Path and query, as received. */
  uri: string;
  /** The client, the trusted proxies it came through, and the connection's address (lib/auth/client-address.ts). */
  sourceIPs: string[];
  /** X-Forwarded-For entries that were not believed: recorded as a claim in an annotation, never as a sourceIP. */
  unverifiedForwardedFor?: string[];
  userAgent?: string;
}

/** A socket.io handshake that was refused, and why. */
export interface RefusedHandshake {
  /** The handshake's path (its query is left out). */
  path: string;
  sourceIPs: string[];
  unverifiedForwardedFor?: string[];
  userAgent?: string;
  /** Who the credentials named, when they were valid but the socket was still refused (403). */
  principal?: Principal;
  /** 401 without valid credentials, 403 for a session socket from another site, 503 when authentication failed. */
  code: number;
  reason: string;
}

export interface Authorization {
  principal: Principal;
  verb: string;
  allowed: boolean;
  reason: string;
}

interface Entry {
  auditID: string;
  method: string;
  uri: string;
  path: string;
  info: RequestInfo;
  sourceIPs: string[];
  userAgent?: string;
  received: Date;
  user?: AuditUser;
  impersonatedUser?: AuditUser;
  verb?: string;
  allowed?: boolean;
  reason?: string;
  annotations: Record<string, string>;
  decision?: PolicyDecision;
  requestObject?: unknown;
  responseObject?: unknown;
  /** Bodies still being read: the event waits for them. */
  reading?: Promise<unknown>;
  started?: boolean;
}

const MAX_BODY_CHARS = 256 * 1024;
const BODY_WAIT_MS = 5_000;
const TAIL_MAX = 200;

export function auditUser(principal: Principal): AuditUser {
  const extra: Record<string, string[]> = { 'entroos.io/via': [principal.via] };
  if (principal.tokenId) extra['entroos.io/token-id'] = [principal.tokenId];
  return {
    username: principal.username,
    uid: principal.uid ?? principal.userId,
    groups: principal.groups ?? ['system:authenticated', `entroos:${principal.role}`],
    extra,
  };
}

export class AuditTrail {
  private entries = new Map<string, Entry>();
  private queue: AuditEvent[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;
  private lastCheckpoint = 0;
  private closed = false;
  private droppedSinceLog = 0;
  readonly flushMs: number;
  private readonly batchSize: number;
  private readonly checkpointMs: number;
  private readonly maxQueued: number;
  private readonly chain: AuditChain;
  /** The last verification run on this instance (the compliance report shows it). */
  lastVerify: { at: Date; result: VerifyResult } | null = null;

  constructor(private readonly options: AuditTrailOptions) {
    this.flushMs = options.flushMs ?? 100;
    this.batchSize = options.batchSize ?? 2_000;
    this.checkpointMs = (options.checkpointSeconds ?? 60) * 1000;
    this.maxQueued = options.maxQueued ?? 200_000;
    const { signer } = options;
    this.chain = {
      link: linkHash,
      seal: (head) => ({
        ...head,
        keyId: signer.keyId,
        signature: signer.sign(checkpointMessage(head.seq, head.hash, head.time)),
      }),
    };
  }

  get policy(): PolicyEvaluator {
    return this.options.policy;
  }

  get sinks(): readonly AuditSink[] {
    return this.options.sinks ?? [];
  }

  // ---- the request's steps -------------------------------------------------------------------------------

  /** A request arrived: returns its audit ID (the key of the later steps). */
  begin(start: RequestStart): string {
    const auditID = randomUUID();
    const queryAt = start.uri.indexOf('?');
    const path = queryAt < 0 ? start.uri : start.uri.slice(0, queryAt);
    const watch = queryAt >= 0 && /[?&]watch=(1|t|T|true|TRUE|True)(&|$)/.test(start.uri.slice(queryAt));
    this.entries.set(auditID, {
      auditID,
      method: start.method,
      uri: start.uri,
      path,
      info: requestInfo(start.method, path, watch),
      sourceIPs: start.sourceIPs,
      userAgent: start.userAgent,
      received: new Date(),
      annotations: unverifiedAnnotation(start.unverifiedForwardedFor),
    });
    return auditID;
  }

  /** Who sent the request (null: nobody the authenticator knows, with its reason). */
  authenticated(auditID: string | undefined, principal: Principal | null, reason?: string): void {
    const entry = auditID ? this.entries.get(auditID) : undefined;
    if (!entry || entry.user) return;
    if (principal) entry.user = auditUser(principal);
    else if (reason) entry.annotations[AUTHN_REASON_ANNOTATION] = reason;
    entry.decision = undefined;
  }

  /**
   * The authorizer's answer for the identity the request acts as (an impersonated one is recorded as
   * impersonatedUser beside the real caller). A refusal sticks; otherwise the first verb checked is kept.
   */
  authorized(auditID: string | undefined, a: Authorization): void {
    const entry = auditID ? this.entries.get(auditID) : undefined;
    if (!entry || entry.allowed === false) return;
    const first = entry.allowed === undefined;
    if (a.principal?.impersonatedBy) {
      entry.impersonatedUser = auditUser(a.principal);
      entry.user ??= { username: a.principal.impersonatedBy };
    } else if (a.principal) entry.user = auditUser(a.principal);
    if (first || !a.allowed) entry.verb = a.verb;
    entry.allowed = a.allowed;
    entry.annotations[DECISION_ANNOTATION] = a.allowed ? 'allow' : 'forbid';
    entry.annotations[REASON_ANNOTATION] = a.reason;
    entry.decision = undefined;
    if (first) this.stage(entry, 'RequestReceived');
  }

  /** A request the edge refused before routing (cross-site, malformed): forbidden, with the reason. */
  refused(auditID: string | undefined, reason: string): void {
    const entry = auditID ? this.entries.get(auditID) : undefined;
    if (!entry) return;
    entry.allowed = false;
    entry.annotations[DECISION_ANNOTATION] = 'forbid';
    entry.annotations[REASON_ANNOTATION] = reason;
  }

  /** A login attempt (the dashboard's or POST /api/login): who claimed to be whom, and the outcome. */
  login(auditID: string | undefined, attempt: { username: string; principal?: Principal; reason?: string }): void {
    const entry = auditID ? this.entries.get(auditID) : undefined;
    if (!entry) return;
    entry.verb = 'login';
    entry.user = attempt.principal
      ? auditUser(attempt.principal)
      : { username: attempt.username, groups: ['system:unauthenticated'] };
    entry.annotations[LOGIN_RESULT_ANNOTATION] = attempt.principal ? 'success' : 'failure';
    if (attempt.reason) entry.annotations[LOGIN_REASON_ANNOTATION] = attempt.reason;
    entry.decision = undefined;
  }

  /** A logout (the dashboard's sign-out, which ends every session of the user): who logged out. */
  logout(auditID: string | undefined, principal: Principal): void {
    const entry = auditID ? this.entries.get(auditID) : undefined;
    if (!entry) return;
    entry.verb = 'logout';
    entry.user = auditUser(principal);
    entry.decision = undefined;
  }

  /**
   * The handler created an object: its name and uid complete the objectRef (kube-apiserver fills it from the
   * object likewise), so the response is not read for them. The Kubernetes API reports every create this way.
   */
  created(auditID: string | undefined, meta: { name?: string; uid?: string }): void {
    const ref = auditID ? this.entries.get(auditID)?.info.objectRef : undefined;
    if (!ref) return;
    if (!ref.name && meta.name) ref.name = meta.name;
    if (!ref.uid && meta.uid) ref.uid = meta.uid;
  }

  /** Whether the request body must be kept for the record: only when a rule that could match wants bodies. */
  wantsRequestBody(auditID: string | undefined): boolean {
    const entry = auditID ? this.entries.get(auditID) : undefined;
    if (!entry || this.options.policy.maxLevel === 'Metadata') return false;
    const level = this.options.policy.levelBeforeAuth({
      verb: entry.info.verb,
      resource: this.resourceAttributes(entry.info.objectRef),
      path: entry.path,
    });
    return levelAtLeast(level, 'Request');
  }

  /**
   * The handler answered. Reads what the policy keeps: the request (a parsed body, or a copy of the request taken
   * before it was read) at Request, the response at RequestResponse, and a created object's name at every level —
   * from the response only when the handler does not report its creates (`namesReported`, see `created`).
   */
  responded(
    auditID: string | undefined,
    response: ApiResponse,
    request?: { body?: unknown; copy?: { text: Promise<string>; type: string | null }; namesReported?: boolean },
  ): void {
    const entry = auditID ? this.entries.get(auditID) : undefined;
    if (!entry) return;
    const level = this.decide(entry).level;
    if (level === 'None') return;
    const verb = entry.verb ?? entry.info.verb;
    const ref = entry.info.objectRef;
    if (verb === 'watch' && response.ok) {
      this.stage(entry, 'ResponseStarted', response.status);
      return;
    }
    const reads: Promise<unknown>[] = [];
    if (levelAtLeast(level, 'Request') && request) {
      const copy = request.copy;
      if (copy)
        reads.push(
          copy.text.then(
            (text) => (entry.requestObject = parseBody(text, copy.type)),
            () => undefined,
          ),
        );
      else if (request.body !== undefined) entry.requestObject = request.body;
    }
    const json = /json/.test(response.headers.get('content-type') ?? '');
    const wantResponse = level === 'RequestResponse' && json;
    const wantName = verb === 'create' && !request?.namesReported && response.ok && ref && !ref.name && json;
    if (wantResponse || wantName)
      reads.push(
        response
          .clone()
          .text()
          .then(
            (text) => {
              const body = text.length <= MAX_BODY_CHARS ? safeParse(text) : undefined;
              if (wantName && ref) nameFrom(ref, body ?? safeParse(text));
              if (wantResponse) entry.responseObject = body ?? `<${text.length} characters, not kept>`;
            },
            () => undefined,
          ),
      );
    // A body that never arrives (the client stalls) must not hold the record back for long.
    if (reads.length)
      entry.reading = Promise.race([Promise.all(reads), new Promise((r) => setTimeout(r, BODY_WAIT_MS).unref())]);
  }

  /** The response closed with `code` (or the handler failed: Panic). */
  end(
    auditID: string | undefined,
    code: number,
    stage: Extract<Stage, 'ResponseComplete' | 'Panic'> = 'ResponseComplete',
  ) {
    const entry = auditID ? this.entries.get(auditID) : undefined;
    if (!entry || !auditID) return;
    this.entries.delete(auditID);
    if (entry.reading) void entry.reading.then(() => this.stage(entry, stage, code));
    else this.stage(entry, stage, code);
  }

  /** Forget a request without recording it (forwarded to the leader, which records it). */
  drop(auditID: string | undefined): void {
    if (auditID) this.entries.delete(auditID);
  }

  /** A socket subscription (objects or platform topics), allowed or refused; recorded as a watch. */
  subscription(s: {
    principal: Principal;
    /** Where the socket came from (its handshake's client address and proxies); `sourceIP`: the address alone. */
    sourceIPs?: string[];
    sourceIP?: string;
    userAgent?: string;
    resource?: { group: string; resource: string; namespace?: string; name?: string };
    topics?: string[];
    code: number;
    message?: string;
  }): void {
    const uri = s.resource
      ? `/socket.io?subscribe=${encodeURIComponent(s.resource.group ? `${s.resource.resource}.${s.resource.group}` : s.resource.resource)}` +
        (s.resource.namespace ? `&namespace=${encodeURIComponent(s.resource.namespace)}` : '') +
        (s.resource.name ? `&name=${encodeURIComponent(s.resource.name)}` : '')
      : `/socket.io?topics=${encodeURIComponent((s.topics ?? []).join(','))}`;
    const entry: Entry = {
      auditID: randomUUID(),
      method: 'GET',
      uri,
      path: '/socket.io',
      info: s.resource
        ? {
            verb: 'watch',
            objectRef: {
              resource: s.resource.resource,
              apiGroup: s.resource.group || undefined,
              namespace: s.resource.namespace || undefined,
              name: s.resource.name || undefined,
            },
          }
        : { verb: 'watch' },
      sourceIPs: s.sourceIPs ?? (s.sourceIP ? [s.sourceIP] : []),
      userAgent: s.userAgent,
      received: new Date(),
      user: auditUser(s.principal),
      verb: 'watch',
      allowed: s.code !== 403,
      annotations: {
        [TRANSPORT_ANNOTATION]: 'socket.io',
        ...(s.code === 401
          ? {}
          : {
              [DECISION_ANNOTATION]: s.code === 403 ? 'forbid' : 'allow',
              [REASON_ANNOTATION]:
                s.code === 403 && s.message
                  ? s.message
                  : `role ${s.principal.role} may watch ${s.resource?.resource ?? 'these topics'}`,
            }),
      },
    };
    this.stage(entry, 'ResponseComplete', s.code, s.code >= 300 ? s.message : undefined);
  }

  /** A socket.io handshake refused (no valid credentials, or a session socket opened from another site). */
  handshakeRefused(h: RefusedHandshake): void {
    const annotations: Record<string, string> = {
      [TRANSPORT_ANNOTATION]: 'socket.io',
      ...unverifiedAnnotation(h.unverifiedForwardedFor),
    };
    if (h.principal) {
      annotations[DECISION_ANNOTATION] = 'forbid';
      annotations[REASON_ANNOTATION] = h.reason;
    } else annotations[AUTHN_REASON_ANNOTATION] = h.reason;
    const entry: Entry = {
      auditID: randomUUID(),
      method: 'GET',
      uri: h.path,
      path: h.path,
      // A handshake is a GET of a non-resource path: its verb is the method, as Kubernetes names such requests.
      info: { verb: 'get' },
      sourceIPs: h.sourceIPs,
      userAgent: h.userAgent,
      received: new Date(),
      user: h.principal ? auditUser(h.principal) : undefined,
      verb: 'get',
      allowed: false,
      annotations,
    };
    this.stage(entry, 'ResponseComplete', h.code, h.reason);
  }

  /**
   * One write or subscription of a GraphQL operation (the /graphql request itself is recorded as any request): a
   * resource request with its verb and object, so the policy, search and the compliance report treat it like the
   * REST request it stands for; the request object (redacted as its resource's) is kept at level Request.
   */
  graphqlOperation(op: {
    principal: Principal;
    verb: string;
    resource: { group: string; resource: string; subresource?: string; namespace?: string; name?: string };
    code: number;
    message?: string;
    transport: string;
    sourceIP?: string;
    userAgent?: string;
    requestObject?: unknown;
  }): void {
    const r = op.resource;
    const qualified = r.group ? `${r.resource}.${r.group}` : r.resource;
    const entry: Entry = {
      auditID: randomUUID(),
      method: op.verb === 'watch' ? 'GET' : 'POST',
      uri:
        `/graphql?${op.verb}=${encodeURIComponent(r.subresource ? `${qualified}/${r.subresource}` : qualified)}` +
        (r.namespace ? `&namespace=${encodeURIComponent(r.namespace)}` : '') +
        (r.name ? `&name=${encodeURIComponent(r.name)}` : ''),
      path: '/graphql',
      info: {
        verb: op.verb,
        objectRef: {
          resource: r.resource,
          apiGroup: r.group || undefined,
          namespace: r.namespace || undefined,
          name: r.name || undefined,
          subresource: r.subresource,
        },
      },
      sourceIPs: op.sourceIP ? [op.sourceIP] : [],
      userAgent: op.userAgent,
      received: new Date(),
      user: auditUser(op.principal),
      verb: op.verb,
      allowed: op.code !== 403,
      annotations: {
        [TRANSPORT_ANNOTATION]: `graphql over ${op.transport}`,
        [DECISION_ANNOTATION]: op.code === 403 ? 'forbid' : 'allow',
        ...(op.code === 403 && op.message ? { [REASON_ANNOTATION]: op.message } : {}),
      },
      requestObject: op.requestObject,
    };
    this.stage(entry, 'ResponseComplete', op.code, op.code >= 300 ? op.message : undefined);
  }

  // ---- building and queueing -----------------------------------------------------------------------------

  private resourceAttributes(ref: ObjectRef | undefined) {
    return ref
      ? {
          group: ref.apiGroup ?? '',
          resource: ref.resource,
          subresource: ref.subresource,
          namespace: ref.namespace ?? '',
          name: ref.name,
        }
      : undefined;
  }

  private decide(entry: Entry): PolicyDecision {
    const user = entry.user ?? ANONYMOUS;
    entry.decision ??= this.options.policy.evaluate({
      user: user.username,
      groups: user.groups ?? [],
      verb: entry.verb ?? entry.info.verb,
      resource: this.resourceAttributes(entry.info.objectRef),
      path: entry.path,
    });
    return entry.decision;
  }

  private stage(entry: Entry, stage: Stage, code?: number, message?: string) {
    if (this.closed) return;
    const decision = this.decide(entry);
    if (decision.level === 'None' || decision.omitStages.has(stage)) return;
    const level = decision.level;
    const ref = entry.info.objectRef;
    const event: AuditEvent = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level,
      auditID: entry.auditID,
      stage,
      requestURI: entry.uri,
      verb: entry.verb ?? entry.info.verb,
      user: entry.user ?? ANONYMOUS,
      impersonatedUser: entry.impersonatedUser,
      sourceIPs: entry.sourceIPs,
      userAgent: entry.userAgent,
      objectRef: ref,
      requestReceivedTimestamp: entry.received.toISOString(),
      stageTimestamp: new Date().toISOString(),
    };
    if (code !== undefined)
      event.responseStatus = {
        metadata: {},
        code,
        ...(code >= 400 ? { status: 'Failure' } : {}),
        ...(message ? { message } : {}),
      };
    if (Object.keys(entry.annotations).length) event.annotations = { ...entry.annotations };
    if (levelAtLeast(level, 'Request') && entry.requestObject !== undefined)
      event.requestObject = redactBody(entry.requestObject, ref?.resource, decision.omitManagedFields);
    if (level === 'RequestResponse' && entry.responseObject !== undefined && stage !== 'RequestReceived')
      event.responseObject = redactBody(entry.responseObject, ref?.resource, decision.omitManagedFields);
    this.enqueue(event);
  }

  /** Queues a built event (also used by tests and the benchmark's synthetic load). */
  enqueue(event: AuditEvent): void {
    if (this.queue.length >= this.maxQueued) {
      if (this.droppedSinceLog++ === 0)
        this.options.log.error(
          { queued: this.queue.length },
          'the audit queue is full (the database is not taking records); dropping new ones',
        );
      return;
    }
    this.queue.push(event);
    if (this.queue.length >= this.batchSize) this.schedule(0);
    else this.schedule(this.flushMs);
  }

  private schedule(ms: number) {
    if (this.flushing) return; // the running flush reschedules when it ends
    if (this.timer && ms > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
    this.timer.unref?.();
  }

  /** Appends everything queued (in batches) to the chain, then feeds the sinks and the tail. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => (this.queue.length ? this.flush() : undefined));
    this.flushing = this.drain().finally(() => {
      this.flushing = null;
      if (this.queue.length && !this.closed) this.schedule(this.flushMs);
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.slice(0, this.batchSize);
      // The text is hashed exactly as stored (verify never re-serialises), so plain JSON.stringify will do.
      const entries: NewAuditEntry[] = batch.map((event) => ({ ...searchFields(event), event: JSON.stringify(event) }));
      const now = Date.now();
      const checkpoint = this.closed || now - this.lastCheckpoint >= this.checkpointMs;
      let rows: AuditRow[];
      let head: AuditCheckpointRow | null;
      try {
        ({ rows, head } = await this.options.store.audit.append(entries, this.chain, checkpoint));
      } catch (err) {
        this.options.log.error({ err, queued: this.queue.length }, 'cannot append audit records; retrying');
        if (this.closed) return;
        await new Promise((r) => setTimeout(r, Math.max(this.flushMs, 500)).unref());
        continue;
      }
      this.queue.splice(0, batch.length);
      if (this.droppedSinceLog) {
        this.options.log.warn({ dropped: this.droppedSinceLog }, 'audit records were dropped while the queue was full');
        this.droppedSinceLog = 0;
      }
      if (checkpoint) this.lastCheckpoint = now;
      const sealed = checkpoint ? head : null;
      for (const sink of this.sinks) {
        try {
          sink.write(rows, sealed);
        } catch (err) {
          this.options.log.error({ err, sink: sink.name }, 'an audit sink failed');
        }
      }
      this.publishTail(rows, batch);
    }
  }

  private publishTail(rows: AuditRow[], events: AuditEvent[]) {
    const tail = this.options.tail;
    if (!tail) return;
    const from = Math.max(0, rows.length - TAIL_MAX);
    const records = rows.slice(from).map((row, i) => summarize(row, events[from + i]));
    tail.publish('audit.records', { records, more: from });
  }

  /** Writes what is queued, with a last checkpoint, and closes the sinks. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.closed = true;
    this.entries.clear();
    await (this.flushing ?? Promise.resolve());
    await this.drain();
    await Promise.all(this.sinks.map((s) => s.close()));
  }
}

export function summarize(row: AuditRow, event?: AuditEvent): AuditSummary {
  const e = event ?? (JSON.parse(row.event) as AuditEvent);
  return {
    seq: row.seq,
    time: row.time.toISOString(),
    auditID: row.auditId,
    stage: e.stage,
    user: row.user,
    verb: row.verb,
    resource: e.objectRef?.subresource ? `${row.resource}/${e.objectRef.subresource}` : row.resource,
    namespace: row.namespace,
    name: row.name,
    code: row.code,
    decision: row.decision,
    requestURI: e.requestURI,
    sourceIP: e.sourceIPs?.[0] ?? '',
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseBody(text: string, type: string | null | undefined): unknown {
  if (!text) return undefined;
  if (text.length > MAX_BODY_CHARS) return `<${text.length} characters, not kept>`;
  const parsed = safeParse(text);
  return parsed !== undefined ? parsed : `<${type ?? 'unknown'} body, ${text.length} characters, not JSON>`;
}

function nameFrom(ref: ObjectRef, body: unknown) {
  if (!body || typeof body !== 'object') return;
  const b = body as { metadata?: { name?: unknown; namespace?: unknown; uid?: unknown }; id?: unknown };
  if (typeof b.metadata?.name === 'string') ref.name = b.metadata.name;
  else if (typeof b.id === 'string') ref.name = b.id;
  if (typeof b.metadata?.uid === 'string') ref.uid = b.metadata.uid;
}

export type { Level };
