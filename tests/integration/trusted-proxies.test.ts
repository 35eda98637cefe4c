import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, login } from '../helpers/api.ts';
import { ADMIN_PASSWORD, startServer, type TestServer } from '../helpers/server.ts';

// ENTROOS_TRUSTED_PROXIES against a real server: behind a trusted load balancer the per-address login limit counts
// the client X-Forwarded-For names, so clients behind one balancer are not one address; from anyone else the header
// changes nothing, so a client cannot escape the limit (or frame another address) by writing the header itself.
// 127.0.0.x are all this machine: 127.0.0.2 plays the balancer, the others clients that connect directly.

const PROXY = '127.0.0.2';

/** POST /api/login from the local address `from`, with an X-Forwarded-For header when given. */
function loginFrom(url: string, from: string, password: string, forwardedFor?: string): Promise<number> {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify({ username: 'admin', password, tokenName: 'proxied' });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method: 'POST',
        path: '/api/login',
        localAddress: from,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('trusted proxies (ENTROOS_TRUSTED_PROXIES)', () => {
  let server: TestServer;
  let admin: ReturnType<typeof client>;

  beforeAll(async () => {
    server = await startServer({
      env: {
        ENTROOS_TRUSTED_PROXIES: PROXY,
        ENTROOS_LOGIN_MAX_FAILURES_PER_IP: '3',
        // Only the per-address limit is under test here.
        ENTROOS_LOGIN_MAX_FAILURES: '1000',
        ENTROOS_AUDIT_FLUSH_MS: '20',
      },
    });
    admin = client(server.url, await login(server.url));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('limits failed logins per client behind the trusted balancer, not per balancer', async () => {
    for (let i = 0; i < 3; i++) expect(await loginFrom(server.url, PROXY, 'wrong-password', '203.0.113.7')).toBe(401);
    // That client is limited now, even with the right password …
    expect(await loginFrom(server.url, PROXY, ADMIN_PASSWORD, '203.0.113.7')).toBe(429);
    // … others behind the same balancer are not,
    expect(await loginFrom(server.url, PROXY, ADMIN_PASSWORD, '203.0.113.8')).toBe(201);
    // and what a client writes into the header itself is not what counts: the balancer appended its real address.
    expect(await loginFrom(server.url, PROXY, 'wrong-password', '203.0.113.8, 203.0.113.9')).toBe(401);
    expect(await loginFrom(server.url, PROXY, 'wrong-password', '203.0.113.7, 203.0.113.9')).toBe(401);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    // A new header each time does not make a new client: the connection's address is counted.
    for (let i = 0; i < 3; i++)
      expect(await loginFrom(server.url, '127.0.0.3', 'wrong-password', `198.51.100.${i + 1}`)).toBe(401);
    expect(await loginFrom(server.url, '127.0.0.3', ADMIN_PASSWORD, '198.51.100.99')).toBe(429);
    // Nor can it pass as another address: 203.0.113.7 is limited, this peer is not.
    expect(await loginFrom(server.url, '127.0.0.4', ADMIN_PASSWORD, '203.0.113.7')).toBe(201);
  });

  it("records the forwarded client as the audit's source, and a claim nobody vouched for only as a claim", async () => {
    const logins = async () => {
      for (let attempt = 0; ; attempt++) {
        const res = await admin.get('/apis/entroos.io/v1/audit/events?verb=login&limit=1000');
        expect(res.status).toBe(200);
        const items = res.body.items as { sourceIPs: string[]; annotations?: Record<string, string> }[];
        if (items.length >= 13 || attempt > 100) return items;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const items = await logins();
    const sources = items.map((e) => e.sourceIPs.join(' '));
    expect(sources).toContain(`203.0.113.7 ${PROXY}`);
    expect(sources).toContain(`203.0.113.9 ${PROXY}`);
    expect(sources).toContain('127.0.0.3');
    expect(sources).not.toContain('198.51.100.1');
    const spoofed = items.find((e) => e.sourceIPs.join(' ') === '127.0.0.4');
    expect(spoofed?.annotations?.['audit.entroos.io/unverified-forwarded-for']).toBe('203.0.113.7');
    const claimed = items.filter((e) => e.sourceIPs[0] === '203.0.113.9');
    expect(claimed.map((e) => e.annotations?.['audit.entroos.io/unverified-forwarded-for']).sort()).toEqual([
      '203.0.113.7',
      '203.0.113.8',
    ]);
  });
});
