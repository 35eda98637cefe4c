import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_RATE_LIMIT_QPS: '1', ENTROOS_RATE_LIMIT_BURST: '5' } });
});
afterAll(async () => {
  await server?.stop();
});

it('answers 429 with Retry-After once a principal spends its burst, per principal', async () => {
  const token = await login(server.url);
  const api = client(server.url, token);
  const codes: number[] = [];
  for (let i = 0; i < 8; i++) codes.push((await api.get('/apis/entroos.io/v1/whoami')).status);
  expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
  expect(codes.slice(5)).toContain(429);
  const limited = await api.get('/apis/entroos.io/v1/whoami');
  expect(limited.status).toBe(429);
  expect(limited.body).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429 });
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  // health checks are not rate limited
  expect((await client(server.url).get('/healthz')).status).toBe(200);
  await new Promise((r) => setTimeout(r, 2100));
  expect((await api.get('/apis/entroos.io/v1/whoami')).status).toBe(200);
});
