import {
  ConnectionError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  StatusError,
  UnauthorizedError,
  ConflictError,
  TooManyRequestsError,
} from '@entroos/client';

// Exit codes (docs/cli.md): 0 ok, 1 error, 2 usage, 3 not found, 4 unauthorized or forbidden, 5 server unreachable,
// 6 a check failed (proofs verify, audit verify, import with failures), 130 interrupted.
export const EXIT = { ok: 0, error: 1, usage: 2, notFound: 3, denied: 4, unreachable: 5, checkFailed: 6 } as const;

/** A mistake in the command line itself. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A check that ran and found problems (its report was already printed). */
export class CheckFailed extends Error {
  override name = 'CheckFailed';
}

/** One line: what went wrong, and what to do. */
export function describeError(err: unknown, hint?: string): { line: string; code: number } {
  const withHint = (message: string, fallback?: string) => {
    const tip = hint ?? fallback;
    return tip ? `${message}. Try: ${tip}` : message;
  };
  const first = (s: string) => s.split('\n')[0].replace(/\.$/, '');
  if (err instanceof UsageError) return { line: first(err.message), code: EXIT.usage };
  if (err instanceof CheckFailed) return { line: first(err.message), code: EXIT.checkFailed };
  if (err instanceof ConnectionError)
    return {
      line: withHint(first(err.message), 'check the server is running, or log in again: entroos login URL'),
      code: EXIT.unreachable,
    };
  if (err instanceof StatusError) {
    const message = `${first(err.message)} (${err.reason || err.code})`;
    if (err instanceof NotFoundError) {
      const kind = err.details?.kind;
      return {
        line: withHint(message, kind ? `entroos get ${kind} -n NAMESPACE (or -A) to see what exists` : undefined),
        code: EXIT.notFound,
      };
    }
    if (err instanceof UnauthorizedError)
      return { line: withHint(message, 'entroos login URL -u USER (the token may be revoked)'), code: EXIT.denied };
    if (err instanceof ForbiddenError)
      return {
        line: withHint(message, 'ask an admin for a role that allows it (entroos whoami shows yours)'),
        code: EXIT.denied,
      };
    if (err instanceof InvalidError) {
      const causes = err.causes.map((c) => `${c.field ?? ''}: ${c.message ?? ''}`).join('; ');
      return {
        line: withHint(
          `${first(err.message)}${causes && !err.message.includes(causes) ? ` [${causes}]` : ''} (Invalid)`,
        ),
        code: EXIT.error,
      };
    }
    if (err instanceof ConflictError && err.reason !== 'AlreadyExists')
      return { line: withHint(message, 'get the object again and retry the change'), code: EXIT.error };
    if (err instanceof TooManyRequestsError) return { line: withHint(message, 'wait and retry'), code: EXIT.error };
    return { line: withHint(message), code: EXIT.error };
  }
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES') return { line: first(err.message), code: EXIT.usage };
    return { line: first(err.message), code: EXIT.error };
  }
  return { line: String(err), code: EXIT.error };
}
