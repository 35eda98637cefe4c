// One error type for every client-visible failure, rendered as a Kubernetes
// `Status` object (https://kubernetes.io/docs/reference/using-api/api-concepts/).

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'Gone'
  | 'Expired'
  | 'MethodNotAllowed'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: StatusReason;
  details?: StatusDetails;
  code: number;
}

// A brand instead of instanceof: server.ts and the Next bundles each load their
// own copy of this module, and an error may cross from one to the other.
const BRAND = Symbol.for('entroos.ApiError');

export function isApiError(err: unknown): err is ApiError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}

export class ApiError extends Error {
  readonly [BRAND] = true;

  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export const badRequest = (message: string, causes?: StatusCause[]) =>
  new ApiError(400, 'BadRequest', message, causes ? { causes } : undefined);
export const unauthorized = (message = 'Unauthorized: log in, or send "Authorization: Bearer <API token>"') =>
  new ApiError(401, 'Unauthorized', message);
export const forbidden = (message: string) => new ApiError(403, 'Forbidden', message);
export const notFound = (message: string, details?: StatusDetails) => new ApiError(404, 'NotFound', message, details);
export const alreadyExists = (message: string, details?: StatusDetails) =>
  new ApiError(409, 'AlreadyExists', message, details);
export const conflict = (message: string, details?: StatusDetails) => new ApiError(409, 'Conflict', message, details);
export const methodNotAllowed = (method: string, path: string) =>
  new ApiError(405, 'MethodNotAllowed', `the server does not allow method ${method} on ${path}`);
export const tooLarge = (limitBytes: number) =>
  new ApiError(413, 'RequestEntityTooLarge', `the request body is larger than the limit of ${limitBytes} bytes`);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds });
export const invalid = (kind: string, name: string | undefined, causes: StatusCause[]) =>
  new ApiError(
    422,
    'Invalid',
    `${kind}${name ? ` "${name}"` : ''} is invalid: ${causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ')}`,
    { kind, ...(name ? { name } : {}), causes },
  );
