import type { z } from 'zod';
import { badRequest, invalid, tooLarge, ApiError } from '../apimachinery/errors.ts';
import { causesFrom } from './errors.ts';

import { MAX_BODY_BYTES } from '../apimachinery/limits.ts';

export { MAX_BODY_BYTES };

/** Reads a JSON body (at most MAX_BODY_BYTES) and validates it; every failure is a 4xx ApiError. */
export async function parseJsonBody<S extends z.ZodType>(
  req: Request,
  schema: S,
  kind = 'request',
): Promise<z.infer<S>> {
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) throw tooLarge(MAX_BODY_BYTES);
  const type = req.headers.get('content-type') ?? '';
  if (type && !/json/i.test(type))
    throw new ApiError(415, 'UnsupportedMediaType', `the body must be JSON (got Content-Type "${type}")`);
  const text = await readText(req);
  if (!text.trim()) throw badRequest('the request body is empty; send a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw badRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(kind, nameOf(value), causesFrom(result.error));
  return result.data;
}

export function parseQuery<S extends z.ZodType>(url: URL, schema: S): z.infer<S> {
  const result = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!result.success) throw badRequest(`invalid query parameters`, causesFrom(result.error));
  return result.data;
}

async function readText(req: Request): Promise<string> {
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge(MAX_BODY_BYTES);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function nameOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { name?: unknown; username?: unknown; metadata?: { name?: unknown } };
  const name = v.metadata?.name ?? v.name ?? v.username;
  return typeof name === 'string' ? name : undefined;
}
