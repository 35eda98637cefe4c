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
  if (depthExceeds(value, MAX_JSON_DEPTH))
    throw badRequest(`the request body nests deeper than ${MAX_JSON_DEPTH} levels (exceeded max depth)`);
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

/** These routes take small flat objects; anything nesting deeper is refused before validation walks it. */
const MAX_JSON_DEPTH = 32;

/** Whether a parsed value nests deeper than `max` (checked without recursion). */
function depthExceeds(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node))
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
  }
  return false;
}

function nameOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { name?: unknown; username?: unknown; metadata?: { name?: unknown } };
  const name = v.metadata?.name ?? v.name ?? v.username;
  return typeof name === 'string' ? name : undefined;
}
