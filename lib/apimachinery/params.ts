// Query-parameter parsing shared by every HTTP entry point.
//
// Booleans follow Go's strconv.ParseBool, the forms real clients send: the official Python
// client sends `watch=True` (Python's str(True)), client-go and kubectl send `true`, some
// scripts send `1`. Anything else is a 400 naming the parameter and the value, rather than
// silently reading as false (which turned a Python watch into a plain list).
import { badRequest } from './errors.ts';

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's strconv.ParseBool: the boolean, or undefined when `value` is not one of its forms. */
export function parseGoBool(value: string): boolean | undefined {
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  return undefined;
}

/**
 * Reads the boolean query parameter `name`: undefined when absent, else its value parsed
 * like strconv.ParseBool; throws 400 BadRequest for any other value.
 */
export function boolParam(params: URLSearchParams, name: string): boolean | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const value = parseGoBool(raw);
  if (value === undefined) {
    throw badRequest(`invalid value ${JSON.stringify(raw)} for boolean query parameter "${name}": ${BOOL_FORMS}`, [
      { reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(raw)}: ${BOOL_FORMS}`, field: name },
    ]);
  }
  return value;
}

/** Like boolParam, with `fallback` when the parameter is absent. */
export function boolParamOr(params: URLSearchParams, name: string, fallback: boolean): boolean {
  return boolParam(params, name) ?? fallback;
}

const BOOL_FORMS = 'must be one of 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False';
