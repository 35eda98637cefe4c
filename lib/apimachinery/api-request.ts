// What the Kubernetes API handlers read of a request. A fetch Request is one (Next's route handlers pass theirs);
// server.ts passes a cheaper one over Node's IncomingMessage (lib/http/node-bridge.ts), since building undici's
// Request, Headers and body stream for every request was a large share of the API's CPU.

/** A request's headers, looked up by name in any case. */
export interface ApiHeaders {
  /** The value, repeated values joined with ", ", or null. */
  get(name: string): string | null;
  has(name: string): boolean;
  /** Lower-case names. */
  keys(): Iterable<string>;
  forEach(callback: (value: string, name: string) => void): void;
}

export interface ApiRequest {
  readonly method: string;
  /** Absolute. */
  readonly url: string;
  readonly headers: ApiHeaders;
  /** Aborted when the client is gone before the answer was sent (never, for some requests). */
  readonly signal: AbortSignal;
  /** Null when the request has no body (GET and HEAD); read it with arrayBuffer or text. */
  readonly body: ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
  /** The body as UTF-8 (a byte-order mark dropped). */
  text(): Promise<string>;
  /** A copy whose body can be read beside this one's. */
  clone(): ApiRequest;
}
