// The dashboard's requests go through @entroos/client, the same client users script EntroOS with: the page's
// session cookie instead of a token, and a Status answered as an ApiClientError whose message can be shown as is.
import { Client, ConnectionError, StatusError } from '@entroos/client';

export interface ClientStatus {
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { field?: string; message: string }[] };
}

export class ApiClientError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly status?: ClientStatus,
  ) {
    super(message);
  }

  /** Field → message, from the Status causes, for inline form errors. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const cause of this.status?.details?.causes ?? []) if (cause.field) out[cause.field] = cause.message;
    return out;
  }
}

// Same origin, the session cookie; a page's request is retried at most twice after a 429 or 503 (a person is
// waiting), and a GET once more after a dropped connection.
const client = new Client({ server: '', credentials: 'same-origin', retry: { retries: 2, maxDelayMs: 5_000 } });

/** The same client, for @entroos/react's provider (its hooks' lists and writes). */
export const dashboardClient = client;

export interface FetchInit {
  method?: string;
  /** An object, sent as JSON; a string or bytes, sent as they are with `contentType`. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

/** The answer's JSON (or text); a Status becomes an ApiClientError, a 401 sends the page to the login. */
export async function apiFetch<T>(path: string, init: FetchInit = {}): Promise<T> {
  try {
    return await client.request<T>({ path, ...init });
  } catch (err) {
    throw asClientError(err);
  }
}

/** The answer's body as text chunks while they arrive (a followed log), never retried; errors as apiFetch's. */
export async function apiStream(path: string, signal: AbortSignal): Promise<AsyncIterable<string>> {
  let body: AsyncIterable<Uint8Array>;
  try {
    body = (await client.send({ path, signal, retry: false, accept: '*/*' })).body;
  } catch (err) {
    throw asClientError(err);
  }
  return (async function* () {
    const decoder = new TextDecoder();
    for await (const chunk of body) {
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield text;
    }
  })();
}

/** A failure's message, as pages show it. */
export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function asClientError(err: unknown): unknown {
  if (err instanceof ConnectionError)
    return new ApiClientError('Cannot reach the EntroOS server; check your connection.', 0);
  if (!(err instanceof StatusError)) return err;
  if (err.code === 401 && typeof window !== 'undefined')
    window.location.assign(`/login?reason=expired&callbackUrl=${encodeURIComponent(window.location.pathname)}`);
  return new ApiClientError(err.message, err.code, err.status as ClientStatus);
}
