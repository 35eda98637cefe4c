import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES } from '../apimachinery/limits.ts';
import { jsonText, type ApiResponse } from '../apimachinery/json-response.ts';
import { tooLarge } from '../apimachinery/errors.ts';
import type { ApiHeaders, ApiRequest } from '../apimachinery/api-request.ts';
import { discardBody } from './edge.ts';

// Serves a fetch-style handler (Request → Response) straight from Node's
// http server. server.ts uses it for the Kubernetes API paths, which are
// latency-critical and need no React rendering, so they skip Next's router.
// Their handler reads an ApiRequest, which NodeApiRequest gives without
// building undici's Request, Headers and body stream; toWebRequest makes a
// fetch Request for the handlers that need one (GraphQL, applications' routes).

/** How to stop a body still being read when the answer goes out first (sendWebResponse then discards the rest). */
const abandon = new WeakMap<IncomingMessage, () => void>();

/** IncomingMessage's headers as the API reads them: Node has already lower-cased the names and joined repeats. */
class NodeHeaders implements ApiHeaders {
  readonly #headers: IncomingHttpHeaders;
  constructor(headers: IncomingHttpHeaders) {
    this.#headers = headers;
  }
  get(name: string): string | null {
    const value = this.#headers[name.toLowerCase()];
    if (value === undefined) return null;
    return typeof value === 'string' ? value : value.join(', ');
  }
  has(name: string): boolean {
    return this.#headers[name.toLowerCase()] !== undefined;
  }
  keys(): string[] {
    return Object.keys(this.#headers).filter((name) => this.#headers[name] !== undefined);
  }
  forEach(callback: (value: string, name: string) => void): void {
    for (const name of this.keys()) callback(this.get(name) ?? '', name);
  }
}

/**
 * An ApiRequest over Node's request, for the Kubernetes API paths: the headers are read where Node keeps them, and
 * the body from the socket when (and only when) the handler asks for it, at most `limit` bytes (a 413 beyond).
 * A body not read is left on the socket for sendWebResponse, as with toWebRequest's stream.
 */
export class NodeApiRequest implements ApiRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: ApiHeaders;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #limit: number;
  #bytes: Promise<Buffer> | undefined;
  #signal: AbortSignal | undefined;
  #stream: ReadableStream<Uint8Array> | undefined;

  constructor(req: IncomingMessage, res: ServerResponse, origin: string, limit: number) {
    this.#req = req;
    this.#res = res;
    this.#limit = limit;
    this.method = req.method ?? 'GET';
    // Resolved as fetch's Request resolves it (dot segments, a path starting "//").
    this.url = new URL(req.url ?? '/', origin).href;
    this.headers = new NodeHeaders(req.headers);
  }

  get signal(): AbortSignal {
    if (!this.#signal) {
      const controller = new AbortController();
      this.#signal = controller.signal;
      const res = this.#res;
      if (res.destroyed && !res.writableFinished) controller.abort();
      else
        res.once('close', () => {
          if (!res.writableFinished) controller.abort();
        });
    }
    return this.#signal;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (!this.#hasBody) return null;
    this.#stream ??= new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const bytes = await this.#read();
        if (bytes.length) controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        controller.close();
      },
    });
    return this.#stream;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    // A copy: the bytes are shared with clones, and a Buffer may be a slice of Node's pool.
    return new Uint8Array(await this.#read()).buffer;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.#read());
  }

  clone(): NodeApiRequest {
    const copy = new NodeApiRequest(this.#req, this.#res, this.url, this.#limit);
    copy.#bytes = this.#read();
    copy.#signal = this.#signal;
    return copy;
  }

  get #hasBody(): boolean {
    return this.method !== 'GET' && this.method !== 'HEAD';
  }

  /** The whole body, read once (a clone shares it). */
  #read(): Promise<Buffer> {
    this.#bytes ??= this.#hasBody ? readBody(this.#req, this.#limit) : Promise.resolve(Buffer.alloc(0));
    return this.#bytes;
  }
}

/** Reads a request body of at most `limit` bytes; beyond, it stops reading (the rest stays for sendWebResponse). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      abandon.delete(req);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    const onClose = () => {
      stop();
      reject(new Error('the client closed the connection before sending the whole request body'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
    abandon.set(req, () => {
      stop();
      req.pause();
      reject(new Error('the answer was sent before the request body was read'));
    });
    req.resume();
  });
}

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
export async function sendWebResponse(
  response: ApiResponse,
  res: ServerResponse,
  req?: IncomingMessage,
): Promise<void> {
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
