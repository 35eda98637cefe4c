// How requests leave the client. The core uses fetch (browsers, Deno, Node); the Node entry (`@entroos/client/node`)
// brings a node:http(s) transport with a keep-alive pool and a custom CA, which fetch cannot take without undici.

export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  header(name: string): string | null;
  /** The body as it arrives (watches and log follows read it chunk by chunk). */
  body: AsyncIterable<Uint8Array>;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

async function* readerChunks(stream: ReadableStream<Uint8Array> | null): AsyncIterable<Uint8Array> {
  if (!stream) return;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    reader.releaseLock();
    await stream.cancel().catch(() => undefined);
  }
}

/** fetch as a Transport; `credentials: 'include'` sends the dashboard's session cookie from a browser. */
export function fetchTransport(options: { credentials?: RequestCredentials; fetch?: typeof fetch } = {}): Transport {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  return async (req) => {
    const res = await doFetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body as BodyInit | undefined,
      signal: req.signal,
      credentials: options.credentials,
    });
    return { status: res.status, header: (name) => res.headers.get(name), body: readerChunks(res.body) };
  };
}

export async function readAll(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    length += chunk.length;
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Splits a byte stream into lines (watch events are one JSON object a line; logs are text lines). */
export async function* lines(body: AsyncIterable<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of body) {
    rest += decoder.decode(chunk, { stream: true });
    let at: number;
    while ((at = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, at);
      rest = rest.slice(at + 1);
      yield line;
    }
  }
  rest += decoder.decode();
  if (rest) yield rest;
}
