import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES } from '../apimachinery/limits.ts';
import { jsonText } from '../apimachinery/json-response.ts';
import { discardBody } from './edge.ts';

// Serves a fetch-style handler (Request → Response) straight from Node's
// http server. server.ts uses it for the Kubernetes API paths, which are
// latency-critical and need no React rendering, so they skip Next's router.

export function toWebRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else headers.set(key, value);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', origin), {
    method,
    headers,
    body: hasBody ? bodyStream(req) : undefined,
    // @ts-expect-error Node's fetch needs duplex for streamed request bodies
    duplex: hasBody ? 'half' : undefined,
  });
}

/**
 * The request body as a web stream. Unlike Readable.toWeb, cancelling it (a handler refusing a body over the
 * limit) leaves the socket alone: sendWebResponse then reads the rest, so the client receives the answer.
 */
const abandon = new WeakMap<IncomingMessage, () => void>();

function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true;
  abandon.set(req, () => (open = false));
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on('data', (chunk: Buffer) => {
          if (!open) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.on('end', () => {
          if (open) controller.close();
          open = false;
        });
        req.on('error', (err) => {
          if (open) controller.error(err);
          open = false;
        });
        req.pause();
      },
      pull() {
        req.resume();
      },
      cancel() {
        open = false;
        req.pause();
      },
    },
    new CountQueuingStrategy({ highWaterMark: 16 }),
  );
}

/**
 * Writes a fetch Response to Node's response. When the handler answered without reading the whole request
 * body (a 413, or an error before the body was needed), the rest is read and discarded first and the
 * connection closed after the answer: a client still sending would otherwise get a reset, not the answer.
 */
export async function sendWebResponse(response: Response, res: ServerResponse, req?: IncomingMessage): Promise<void> {
  if (req && !req.complete && !req.destroyed) {
    res.setHeader('Connection', 'close');
    abandon.get(req)?.();
    if (!(await discardBody(req, 4 * MAX_BODY_BYTES))) req.socket.setTimeout(1_000, () => req.socket.destroy());
  }
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key === 'set-cookie') return;
    headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  const text = jsonText(response);
  if (text !== undefined) {
    headers['content-length'] = String(Buffer.byteLength(text));
    res.writeHead(response.status, headers);
    res.end(text);
    return;
  }
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.on('close', () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
      if (res.destroyed) break;
    }
  } finally {
    res.end();
  }
}
