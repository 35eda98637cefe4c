// Browser-side fetch for the EntroOS API: JSON in, JSON out, and a Status
// body turned into an ApiClientError whose message can be shown as is.

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

export async function apiFetch<T>(
  path: string,
  init: { method?: string; body?: unknown; contentType?: string } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      headers: init.body === undefined ? undefined : { 'Content-Type': init.contentType ?? 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiClientError('Cannot reach the EntroOS server; check your connection.', 0);
  }
  const text = await response.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: fall through with the status line
  }
  if (!response.ok) {
    const status = (data ?? {}) as ClientStatus;
    if (response.status === 401 && typeof window !== 'undefined') {
      window.location.assign(`/login?reason=expired&callbackUrl=${encodeURIComponent(window.location.pathname)}`);
    }
    throw new ApiClientError(status.message ?? `${response.status} ${response.statusText}`, response.status, status);
  }
  return data as T;
}
