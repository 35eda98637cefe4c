import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonResponse, jsonText } from '@/lib/apimachinery/json-response.ts';
import { sendWebResponse } from '@/lib/http/node-bridge.ts';

// The edge writes a JSON answer's text as it is (with its length) and streams any other body; both arrive whole.

const body = { kind: 'Pod', metadata: { name: 'p', annotations: { note: 'naïve ✓' } }, items: Array(2000).fill('x') };

describe('sendWebResponse', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const response =
        req.url === '/json'
          ? jsonResponse(body, 201)
          : new Response(JSON.stringify(body), { status: 202, headers: { 'content-type': 'application/json' } });
      void sendWebResponse(response, res, req);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('writes a jsonResponse in one piece with its byte length', async () => {
    const res = await fetch(`${url}/json`);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(JSON.stringify(body)));
    expect(await res.json()).toEqual(body);
    const head = await fetch(`${url}/json`, { method: 'HEAD' });
    expect(head.status).toBe(201);
    expect(await head.text()).toBe('');
  });

  it('streams other responses, and a jsonResponse whose body was already read', async () => {
    const other = await fetch(`${url}/other`);
    expect(other.status).toBe(202);
    expect(other.headers.get('content-length')).toBeNull();
    expect(await other.json()).toEqual(body);
    expect(jsonText(jsonResponse(1))).toBe('1');
    const used = jsonResponse(1);
    await used.text();
    expect(jsonText(used)).toBeUndefined();
  });
});
