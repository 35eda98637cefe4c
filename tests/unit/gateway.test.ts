process.env.LOG_LEVEL = 'silent'; // the 500 test logs an error on purpose
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '@/lib/apimachinery/errors.ts';
import { statusResponse, toApiError } from '@/lib/http/errors.ts';
import { parseJsonBody, MAX_BODY_BYTES } from '@/lib/http/parse.ts';
import { routeLabel } from '@/lib/metrics.ts';
import { hashPassword, verifyPassword, generatePassword } from '@/lib/auth/password.ts';
import { splitStatements } from '@/lib/store/migrate.ts';
import { decodeSession, parseCookies, sessionTokenFrom } from '@/lib/auth/session.ts';
import { encode } from 'next-auth/jwt';

const json = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  new Request('http://x/y', { method: 'POST', body, headers });

describe('errors', () => {
  it('renders a Kubernetes Status with Retry-After for 429', async () => {
    const res = statusResponse(new ApiError(429, 'TooManyRequests', 'slow down', { retryAfterSeconds: 3 }));
    expect(res.status).toBe(429);
    expect(res.headers.get('Retry-After')).toBe('3');
    expect(await res.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'slow down',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 3 },
      code: 429,
    });
  });

  it('hides unknown errors behind a generic 500 naming the request id', () => {
    const error = toApiError(new Error('secret database detail at /srv/x.ts:12'), { requestId: 'req-1' });
    expect(error.code).toBe(500);
    expect(error.message).toContain('req-1');
    expect(error.message).not.toContain('secret');
  });
});

describe('parseJsonBody', () => {
  const schema = z.object({ name: z.string().min(1), count: z.number().int() });

  it('parses a valid body', async () => {
    expect(await parseJsonBody(json('{"name":"a","count":2}'), schema)).toEqual({ name: 'a', count: 2 });
  });

  it.each([
    ['{bad', 400, 'BadRequest', /not valid JSON/],
    ['', 400, 'BadRequest', /empty/],
    ['{"name":"","count":1.5}', 422, 'Invalid', /name: .*count: /],
  ])('rejects %j', async (body, code, reason, message) => {
    const err = (await parseJsonBody(json(body), schema).catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe(code);
    expect(err.reason).toBe(reason);
    expect(err.message).toMatch(message);
  });

  it('names the fields in Status causes', async () => {
    const err = (await parseJsonBody(json('{"count":"x"}'), schema, 'widgets').catch((e) => e)) as ApiError;
    expect(err.toStatus().details?.causes?.map((c) => c.field)).toEqual(['name', 'count']);
    expect(err.toStatus().details?.causes?.[0]).toMatchObject({
      reason: 'FieldValueRequired',
      message: 'Required value',
    });
  });

  it('rejects bodies over the limit and non-JSON content types', async () => {
    const big = json(JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES), count: 1 }));
    expect(((await parseJsonBody(big, schema).catch((e) => e)) as ApiError).code).toBe(413);
    const form = json('a=b', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(((await parseJsonBody(form, schema).catch((e) => e)) as ApiError).code).toBe(415);
  });
});

describe('routeLabel', () => {
  it.each([
    ['/api/v1/namespaces/default/pods/web-1', '/api/v1/namespaces/{name}/pods/{name}'],
    ['/apis/entroos.io/v1/tokens/8f1c', '/apis/entroos.io/v1/tokens/{name}'],
    ['/_next/static/chunks/a.js', 'static'],
    ['/settings/tokens', 'page'],
    ['/healthz', '/healthz'],
    ['/api/auth/callback/credentials', '/api/auth'],
  ])('%s → %s', (path, label) => expect(routeLabel(path)).toBe(label));
});

describe('passwords', () => {
  it('hashes with scrypt, verifies, and rejects a wrong password', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('wrong horse', hash)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
    expect(await hashPassword('correct horse')).not.toBe(hash); // salted
  });

  it('generates distinct readable passwords', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[a-zA-Z2-9]{20}$/);
    expect(generatePassword()).not.toBe(a);
  });
});

describe('sessions', () => {
  it('decodes a next-auth session cookie and rejects a tampered or foreign one', async () => {
    const secret = 'a'.repeat(40);
    const token = await encode({ token: { sub: 'user-1' }, secret });
    const cookies = parseCookies(`other=1; next-auth.session-token=${encodeURIComponent(token)}`);
    expect(await decodeSession(sessionTokenFrom(cookies), secret)).toMatchObject({ userId: 'user-1' });
    expect(await decodeSession(token.slice(0, -4) + 'AAAA', secret)).toBeNull();
    expect(await decodeSession(token, 'b'.repeat(40))).toBeNull();
    expect(await decodeSession(undefined, secret)).toBeNull();
  });

  it('joins chunked session cookies', () => {
    const cookies = parseCookies('next-auth.session-token.0=abc; next-auth.session-token.1=def');
    expect(sessionTokenFrom(cookies)).toBe('abcdef');
  });
});

describe('splitStatements', () => {
  it('splits Prisma migration SQL and drops comments', () => {
    const sql =
      '-- CreateTable\nCREATE TABLE "A" (\n  "id" TEXT\n);\n\n-- CreateIndex\nCREATE INDEX "i" ON "A"("id");\n';
    expect(splitStatements(sql)).toEqual(['CREATE TABLE "A" (\n  "id" TEXT\n)', 'CREATE INDEX "i" ON "A"("id")']);
  });
});
