import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jsonResponse, jsonText, type ApiResponse } from '@/lib/apimachinery/json-response.ts';
import { isApiError } from '@/lib/apimachinery/errors.ts';
import { NodeApiRequest, sendWebResponse } from '@/lib/http/node-bridge.ts';

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

describe('NodeApiRequest', () => {
  // Each request is answered by `serve`, with what the handler saw of it, through sendWebResponse.
  let serve: (request: NodeApiRequest) => Promise<ApiResponse>;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const request = new NodeApiRequest(req, res, 'http://example.test', 1024);
      void serve(request)
        .catch((err: unknown) =>
          isApiError(err) ? jsonResponse({ code: err.code }, err.code) : jsonResponse({ error: String(err) }, 500),
        )
        .then((response) => sendWebResponse(response, res, req));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );

  it('reads the method, the URL as fetch resolves it, and the headers in any case', async () => {
    serve = async (request) =>
      jsonResponse({
        method: request.method,
        url: request.url,
        agent: request.headers.get('User-Agent'),
        has: [request.headers.has('X-Test'), request.headers.has('x-absent')],
        absent: request.headers.get('x-absent'),
        groups: request.headers.get('impersonate-group'),
        keys: [...request.headers.keys()].filter((k) => k.startsWith('x-') || k.startsWith('impersonate')),
        body: request.body,
      });
    const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(`${url}/api/v1/../v1/pods?watch=1`, {
        headers: { 'user-agent': 'kubectl/v1.32', 'x-test': 'a', 'impersonate-group': ['g1', 'g2'] },
      });
      req.on('response', (r) => {
        let text = '';
        r.on('data', (d: Buffer) => (text += d.toString()));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      method: 'GET',
      url: 'http://example.test/api/v1/pods?watch=1',
      agent: 'kubectl/v1.32',
      has: [true, false],
      absent: null,
      groups: 'g1, g2',
      keys: ['x-test', 'impersonate-group'],
      body: null,
    });
  });

  it('reads the body once the handler asks, as text, bytes or a clone beside it', async () => {
    serve = async (request) => {
      const copy = request.clone().text();
      const bytes = new Uint8Array(await request.arrayBuffer());
      return jsonResponse({ length: bytes.byteLength, text: await request.text(), copy: await copy });
    };
    const body = '\ufeff{"note":"naïve ✓"}';
    const res = await fetch(url, { method: 'POST', body });
    expect(await res.json()).toEqual({
      length: Buffer.byteLength(body),
      text: '{"note":"naïve ✓"}',
      copy: '{"note":"naïve ✓"}',
    });
  });

  it('refuses a body over its limit with 413 without reading it all, and the client gets the answer', async () => {
    serve = async (request) => jsonResponse({ length: (await request.arrayBuffer()).byteLength });
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 64; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(97));
        controller.close();
      },
    });
    // @ts-expect-error Node's fetch needs duplex for streamed request bodies
    const res = await fetch(url, { method: 'POST', body: streamed, duplex: 'half' });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    const small = await fetch(url, { method: 'PUT', body: 'x'.repeat(1024) });
    expect(await small.json()).toEqual({ length: 1024 });
  });

  it('aborts its signal when the client goes away before the answer, not after one', async () => {
    let aborted: Promise<boolean> | undefined;
    serve = (request) =>
      new Promise<ApiResponse>((resolve) => {
        aborted = new Promise((seen) => request.signal.addEventListener('abort', () => seen(true)));
        // Answered only if the client is still there; the first request is abandoned by its client.
        setTimeout(() => resolve(jsonResponse({ aborted: request.signal.aborted })), 200);
      });
    const controller = new AbortController();
    const gone = fetch(url, { signal: controller.signal });
    await vi.waitFor(() => expect(aborted).toBeDefined());
    controller.abort();
    await expect(gone).rejects.toThrow();
    expect(await aborted).toBe(true);
    const kept = await fetch(url);
    expect(await kept.json()).toEqual({ aborted: false });
  });
});
