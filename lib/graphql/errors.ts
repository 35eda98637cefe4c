import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ApiError, isApiError } from '../apimachinery/errors.ts';

// How failures reach a GraphQL client: an ApiError (the REST API's Status) keeps its reason as the error code and
// the whole Status in extensions, so a 422 carries the same causes as REST; anything else is an internal error that
// names the request id and leaks nothing (it is logged with its stack).

export interface ErrorLog {
  error(obj: object, msg: string): void;
}

/** NotLeader and similar errors thrown by the store, as the REST edge maps them (lib/http/errors.ts). */
function asApiError(err: unknown): ApiError | undefined {
  if (isApiError(err)) return err;
  if (err instanceof Error && err.name === 'NotLeader')
    return new ApiError(503, 'ServiceUnavailable', err.message, { retryAfterSeconds: 2 });
  return undefined;
}

/**
 * `logged`: the failures already logged for this operation (a batch that fails fails every one of its 1,000 keys
 * with one error: it is logged once).
 */
export function formatError(
  error: GraphQLError,
  log?: ErrorLog,
  requestId?: string,
  logged?: WeakSet<object>,
): GraphQLFormattedError {
  const original = error.originalError;
  if (!original || original instanceof GraphQLError) return error.toJSON();
  const api = asApiError(original);
  if (api) {
    const status = api.toStatus();
    return {
      message: api.message,
      ...(error.locations ? { locations: error.locations } : {}),
      ...(error.path ? { path: error.path } : {}),
      extensions: {
        code: api.reason,
        status,
        ...(api.details?.causes ? { causes: api.details.causes } : {}),
      },
    };
  }
  if (!logged?.has(original))
    log?.error({ err: original, requestId, path: error.path }, 'unhandled error in a GraphQL resolver');
  logged?.add(original);
  return {
    message: `an internal error occurred${requestId ? ` (request id ${requestId})` : ''}; the server log has the details`,
    ...(error.locations ? { locations: error.locations } : {}),
    ...(error.path ? { path: error.path } : {}),
    extensions: { code: 'InternalError' },
  };
}

/** A request-level GraphQL error (parse, validation, limits) with a code. */
export const requestError = (message: string, code: string, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extra } });
