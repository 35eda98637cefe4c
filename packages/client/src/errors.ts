import type { Status, StatusCause } from './generated/kinds.ts';

/**
 * An error the API answered with a Kubernetes Status. The subclasses name the reasons a caller branches on;
 * `instanceof StatusError` catches them all, `err.status` is the Status as sent.
 */
export class StatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: Status;
  /** Seconds the server asked to wait (Retry-After, or Status details.retryAfterSeconds). */
  readonly retryAfterSeconds?: number;

  constructor(status: Status, code: number, retryAfterSeconds?: number) {
    super(status.message || `${code} ${status.reason ?? 'error'}`);
    this.name = 'StatusError';
    this.code = code;
    this.reason = status.reason ?? '';
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds ?? status.details?.retryAfterSeconds;
  }

  get details() {
    return this.status.details;
  }
}

export class BadRequestError extends StatusError {
  override name = 'BadRequestError';
}
export class UnauthorizedError extends StatusError {
  override name = 'UnauthorizedError';
}
export class ForbiddenError extends StatusError {
  override name = 'ForbiddenError';
}
export class NotFoundError extends StatusError {
  override name = 'NotFoundError';
}
/** 409: a write lost a race (stale resourceVersion) or, as AlreadyExistsError, the name is taken. */
export class ConflictError extends StatusError {
  override name = 'ConflictError';
}
export class AlreadyExistsError extends ConflictError {
  override name = 'AlreadyExistsError';
}
/** 410: a watch or list continuation asked for a resourceVersion the server no longer has. */
export class GoneError extends StatusError {
  override name = 'GoneError';
}
/** 422: the object is invalid; `causes` says which fields and why. */
export class InvalidError extends StatusError {
  override name = 'InvalidError';
  get causes(): StatusCause[] {
    return this.status.details?.causes ?? [];
  }
}
export class TooManyRequestsError extends StatusError {
  override name = 'TooManyRequestsError';
}
export class ServerError extends StatusError {
  override name = 'ServerError';
}

/** The request never got an answer (refused, reset, DNS, TLS). */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The typed error for a Status answer (or a Status made up from a non-Status body). */
export function statusError(code: number, body: unknown, retryAfter?: string | null): StatusError {
  const status: Status =
    body && typeof body === 'object' && (body as Status).kind === 'Status'
      ? (body as Status)
      : {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          code,
          message: typeof body === 'string' && body ? body.slice(0, 500) : '',
        };
  if (!status.message && body && typeof body === 'object') {
    const message = (body as { message?: unknown }).message;
    if (typeof message === 'string') status.message = message;
  }
  if (!status.message) status.message = `the server answered ${code}`;
  const seconds = retryAfter != null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  const reason = status.reason ?? '';
  const make = (C: typeof StatusError) => new C(status, code, seconds);
  if (reason === 'AlreadyExists') return make(AlreadyExistsError);
  switch (code) {
    case 400:
      return make(BadRequestError);
    case 401:
      return make(UnauthorizedError);
    case 403:
      return make(ForbiddenError);
    case 404:
      return make(NotFoundError);
    case 409:
      return make(ConflictError);
    case 410:
      return make(GoneError);
    case 422:
      return make(InvalidError);
    case 429:
      return make(TooManyRequestsError);
  }
  return code >= 500 ? make(ServerError) : make(StatusError);
}
