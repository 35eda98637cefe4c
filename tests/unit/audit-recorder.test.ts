import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { clusterKeyFromPem } from '@/lib/auth/cluster-key.ts';
import { AuditTrail } from '@/lib/audit/trail.ts';
import { DEFAULT_POLICY, parsePolicy, PolicyEvaluator } from '@/lib/audit/policy.ts';
import type { AuditEvent } from '@/lib/audit/event.ts';
import type { Principal } from '@/lib/auth/principal.ts';
import type { Store } from '@/lib/store/index.ts';

// What the recorder makes of the edge's reports, without a database: the events it queues.

const key = clusterKeyFromPem(
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
);
const alice: Principal = { userId: 'u-alice', username: 'alice', role: 'operator', via: 'session' };
const noStore = {
  audit: {
    append: () => Promise.reject(new Error('these tests read the queued events')),
  },
} as unknown as Pick<Store, 'audit'>;

const EVERYTHING = new PolicyEvaluator(
  parsePolicy(
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n  - level: RequestResponse\n',
    'test',
  ),
);

let events: AuditEvent[];
function trail(policy = new PolicyEvaluator(DEFAULT_POLICY)) {
  const t = new AuditTrail({ store: noStore, policy, signer: key, log: pino({ level: 'silent' }) });
  vi.spyOn(t, 'enqueue').mockImplementation((e) => void events.push(e));
  return t;
}
beforeEach(() => {
  events = [];
});

/** A create through the Kubernetes API: the handler reports the object it made, then answers. */
function create(t: AuditTrail, report: boolean) {
  const id = t.begin({ method: 'POST', uri: '/api/v1/namespaces/default/configmaps', sourceIPs: ['10.0.0.7'] });
  t.authenticated(id, alice);
  t.authorized(id, { principal: alice, verb: 'create', allowed: true, reason: 'RBAC: allowed' });
  if (report) t.created(id, { name: 'made-up', uid: 'uid-1' });
  const response = Response.json({ kind: 'ConfigMap', metadata: { name: 'made-up', uid: 'uid-1' } }, { status: 201 });
  const clone = vi.spyOn(response, 'clone');
  t.responded(id, response, { namesReported: report });
  return { id, clone };
}

describe("a create's object name", () => {
  it('comes from the handler at Metadata level: the response body is not copied', async () => {
    const t = trail();
    const { id, clone } = create(t, true);
    t.end(id, 201);
    expect(clone).not.toHaveBeenCalled();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      level: 'Metadata',
      verb: 'create',
      objectRef: { resource: 'configmaps', namespace: 'default', name: 'made-up', uid: 'uid-1' },
      responseStatus: { code: 201 },
    });
    expect(events[0].responseObject).toBeUndefined();
  });

  it('is still read from the response for routes that do not report their creates', async () => {
    const t = trail();
    const { id, clone } = create(t, false);
    t.end(id, 201);
    expect(clone).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0].objectRef).toMatchObject({ name: 'made-up', uid: 'uid-1' });
  });

  it('at RequestResponse the response is read for its body, once', async () => {
    const t = trail(EVERYTHING);
    const { id, clone } = create(t, true);
    t.end(id, 201);
    expect(clone).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]).toMatchObject({
      level: 'RequestResponse',
      objectRef: { name: 'made-up' },
      responseObject: { kind: 'ConfigMap' },
    });
  });
});

describe('logouts and refused socket handshakes', () => {
  it('records a logout with the user, as logins are recorded, under the default policy', () => {
    const t = trail();
    const id = t.begin({ method: 'POST', uri: '/api/auth/signout', sourceIPs: ['10.0.0.7'], userAgent: 'Firefox' });
    t.logout(id, alice);
    t.end(id, 200);
    expect(events).toEqual([
      expect.objectContaining({
        level: 'Metadata',
        verb: 'logout',
        requestURI: '/api/auth/signout',
        user: expect.objectContaining({ username: 'alice', groups: ['system:authenticated', 'entroos:operator'] }),
        sourceIPs: ['10.0.0.7'],
        userAgent: 'Firefox',
        responseStatus: expect.objectContaining({ code: 200 }),
      }),
    ]);
  });

  it('records a handshake without valid credentials as a 401 of system:anonymous, with the reason', () => {
    const t = trail();
    t.handshakeRefused({
      path: '/socket.io/',
      sourceIPs: ['198.51.100.1', '10.0.0.5'],
      unverifiedForwardedFor: ['6.6.6.6'],
      userAgent: 'node-XMLHttpRequest',
      code: 401,
      reason: 'the API token is invalid',
    });
    expect(events).toEqual([
      expect.objectContaining({
        level: 'Metadata',
        verb: 'get',
        requestURI: '/socket.io/',
        user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
        sourceIPs: ['198.51.100.1', '10.0.0.5'],
        userAgent: 'node-XMLHttpRequest',
        responseStatus: { metadata: {}, code: 401, status: 'Failure', message: 'the API token is invalid' },
        annotations: {
          'audit.entroos.io/transport': 'socket.io',
          'authentication.entroos.io/reason': 'the API token is invalid',
          'audit.entroos.io/unverified-forwarded-for': '6.6.6.6',
        },
      }),
    ]);
  });

  it('records a session socket refused for its origin as a 403 of that user', () => {
    const t = trail();
    t.handshakeRefused({
      path: '/socket.io/',
      sourceIPs: ['10.0.0.7'],
      principal: alice,
      code: 403,
      reason: 'a session socket from origin "http://evil.example" is refused; use an API token',
    });
    expect(events[0]).toMatchObject({
      user: { username: 'alice' },
      responseStatus: { code: 403 },
      annotations: {
        'authorization.k8s.io/decision': 'forbid',
        'authorization.k8s.io/reason': expect.stringContaining('evil.example'),
      },
    });
  });
});
