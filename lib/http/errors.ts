import { ZodError } from 'zod';
import { ApiError, invalid, isApiError, type StatusCause } from '../apimachinery/errors.ts';
import { getLogger } from '../log.ts';

// The one place a thrown value becomes an HTTP response: ApiErrors keep their
// code, zod errors become 422 Invalid naming each field, anything else is a
// logged 500 that leaks nothing but the request id.

/** Turns zod issues into Status causes naming each field. */
export function causesFrom(error: ZodError): StatusCause[] {
  return error.issues.map((issue) => ({
    reason: issue.code === 'invalid_type' && issue.input === undefined ? 'FieldValueRequired' : 'FieldValueInvalid',
    message: issue.code === 'invalid_type' && issue.input === undefined ? 'Required value' : issue.message,
    field: issue.path.length ? issue.path.map(String).join('.') : undefined,
  }));
}

/** Maps any thrown value to a Status; unknown errors are logged and never leak internals. */
export function toApiError(err: unknown, context: { requestId?: string; kind?: string } = {}): ApiError {
  if (isApiError(err)) return err;
  if (
    err instanceof ZodError ||
    (err instanceof Error && err.name === 'ZodError' && Array.isArray((err as ZodError).issues))
  )
    return invalid(context.kind ?? 'request', undefined, causesFrom(err as ZodError));
  // A write that reached a follower (e.g. during a leader hand-over): the client should retry.
  if (err instanceof Error && err.name === 'NotLeader')
    return new ApiError(503, 'ServiceUnavailable', err.message, { retryAfterSeconds: 2 });
  getLogger().error({ err, requestId: context.requestId }, 'unhandled error in request');
  return new ApiError(
    500,
    'InternalError',
    `an internal error occurred${context.requestId ? ` (request id ${context.requestId})` : ''}; the server log has the details`,
  );
}

export function statusResponse(error: ApiError, headers: Record<string, string> = {}): Response {
  const extra: Record<string, string> = { ...headers };
  if (error.details?.retryAfterSeconds !== undefined) extra['Retry-After'] = String(error.details.retryAfterSeconds);
  return Response.json(error.toStatus(), { status: error.code, headers: extra });
}
