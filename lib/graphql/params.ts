import { z } from 'zod';
import { badRequest } from '../apimachinery/errors.ts';
import type { OperationParams } from './execute.ts';

// The GraphQL-over-HTTP request parameters: a JSON body for POST, the URL's query string for GET (variables and
// extensions JSON-encoded there), as the GraphQL over HTTP specification has them.

export const operationBody = z
  .object({
    query: z.string().optional(),
    variables: z.record(z.string(), z.unknown()).nullable().optional(),
    operationName: z.string().nullable().optional(),
    extensions: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .strict();

function jsonParam(url: URL, name: string): Record<string, unknown> | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw badRequest(`the ${name} parameter is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw badRequest(`the ${name} parameter must be a JSON object`);
  return value as Record<string, unknown>;
}

export function paramsFromUrl(url: URL): OperationParams {
  return {
    query: url.searchParams.get('query') ?? undefined,
    variables: jsonParam(url, 'variables'),
    operationName: url.searchParams.get('operationName'),
    extensions: jsonParam(url, 'extensions') as OperationParams['extensions'],
  };
}

export function paramsFromBody(body: z.infer<typeof operationBody>): OperationParams {
  return {
    query: body.query,
    variables: body.variables,
    operationName: body.operationName,
    // Checked where it is read (resolvePersisted): a malformed persistedQuery is a 400 there.
    extensions: (body.extensions ?? undefined) as OperationParams['extensions'],
  };
}
