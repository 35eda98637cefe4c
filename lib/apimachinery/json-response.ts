// JSON answers whose encoded text the HTTP edge can write as it is. server.ts serves the Kubernetes API from Node's
// http server through fetch-style handlers; reading each small answer back out of its web stream (a reader, a read
// per chunk, a chunked response) was about a seventh of a GET's CPU, and building undici's Response and Headers for
// each answer a further part: a jsonResponse is neither, only what a Response is read for (ApiResponse).

/** An answer's headers, looked up by name in any case. */
export interface ApiResponseHeaders {
  get(name: string): string | null;
  append(name: string, value: string): void;
  /** Lower-case names; repeated values joined with ", " (Set-Cookie's apart, in getSetCookie). */
  forEach(callback: (value: string, name: string) => void): void;
  getSetCookie(): string[];
}

/** What the API's answers are read for. A fetch Response is one. */
export interface ApiResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: ApiResponseHeaders;
  readonly body: ReadableStream<Uint8Array> | null;
  readonly bodyUsed: boolean;
  text(): Promise<string>;
  json(): Promise<unknown>;
  clone(): ApiResponse;
}

class JsonHeaders implements ApiResponseHeaders {
  readonly #values: Map<string, string>;
  constructor(values: Iterable<[string, string]> = [['content-type', 'application/json']]) {
    this.#values = new Map(values);
  }
  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    if (key === 'set-cookie') throw new TypeError('a JSON answer of the API sets no cookies');
    const current = this.#values.get(key);
    this.#values.set(key, current === undefined ? value : `${current}, ${value}`);
  }
  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of this.#values) callback(value, name);
  }
  getSetCookie(): string[] {
    return [];
  }
  copy(): JsonHeaders {
    return new JsonHeaders(this.#values);
  }
}

/** A JSON answer as its text, a status and headers; made into a fetch Response only where one is needed. */
class JsonAnswer implements ApiResponse {
  readonly status: number;
  readonly headers: JsonHeaders;
  readonly #text: string;
  #used = false;

  constructor(text: string, status: number, headers = new JsonHeaders()) {
    this.#text = text;
    this.status = status;
    this.headers = headers;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  /** The text as a stream; taking it counts as reading the body. */
  get body(): ReadableStream<Uint8Array> {
    const bytes = new TextEncoder().encode(this.#consume());
    return new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
  }

  async text(): Promise<string> {
    return this.#consume();
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.#consume()) as unknown;
  }

  clone(): JsonAnswer {
    if (this.#used) throw new TypeError('the response body has already been read');
    return new JsonAnswer(this.#text, this.status, this.headers.copy());
  }

  /** The text, while the body has not been read. */
  get unread(): string | undefined {
    return this.#used ? undefined : this.#text;
  }

  #consume(): string {
    if (this.#used) throw new TypeError('the response body has already been read');
    this.#used = true;
    return this.#text;
  }
}

/** `Response.json(body, { status })` as an ApiResponse whose text `jsonText` gives. */
export function jsonResponse(body: unknown, status = 200): ApiResponse {
  return new JsonAnswer(JSON.stringify(body), status);
}

/** The text a `jsonResponse` was made with, while its body has not been read. */
export function jsonText(response: ApiResponse): string | undefined {
  return response instanceof JsonAnswer ? response.unread : undefined;
}

/** The answer as a fetch Response (for Next's route handlers). */
export function toFetchResponse(response: ApiResponse): Response {
  if (response instanceof Response) return response;
  const headers = new Headers();
  response.headers.forEach((value, name) => headers.append(name, value));
  for (const cookie of response.headers.getSetCookie()) headers.append('set-cookie', cookie);
  return new Response(jsonText(response) ?? response.body, { status: response.status, headers });
}
