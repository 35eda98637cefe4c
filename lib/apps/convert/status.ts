import { isApiError } from '../../apimachinery/errors.ts';
import { lookupKey } from '../../apimachinery/registry.ts';
import type { ObjectApi } from '../../apiserver/object-api.ts';
import { processGlobal } from '../../global.ts';
import type { Config } from '../../config.ts';
import { FileStore } from './storage.ts';
import { RESOURCES, type Conversion, type ConversionStatus } from './types.ts';

// What the controller, the executor and the routes share: one file store per process (route handlers and the
// server are separate bundles, so it lives on globalThis), and status writes that retry when another writer (the
// engine's progress, the controller's phase) got in between.

export function fileStoreFor(config: Pick<Config, 'convertDir' | 'convertQuotaMb' | 'convertExpiryHours'>): FileStore {
  return processGlobal(`convert.files:${config.convertDir}`, () => {
    const store = new FileStore({
      dir: config.convertDir,
      quotaBytes: config.convertQuotaMb * 2 ** 20,
      expiryMs: config.convertExpiryHours * 3_600_000,
    });
    return store;
  });
}

/**
 * Changes a conversion's status with `change` (given the current one; undefined: nothing to write), retrying on a
 * conflict. Answers the stored conversion, or undefined when it is gone.
 */
export async function writeStatus(
  api: ObjectApi,
  namespace: string,
  name: string,
  change: (current: Conversion) => ConversionStatus | undefined,
): Promise<Conversion | undefined> {
  const t = lookupKey(RESOURCES.conversions);
  if (!t) return undefined;
  for (let attempt = 0; ; attempt++) {
    const current = api.peek(t, namespace, name) as Conversion | undefined;
    if (!current || current.metadata.deletionTimestamp) return undefined;
    const status = change(current);
    if (!status) return current;
    try {
      return (await api.replace(t, current, { ...current, status }, 'status')) as Conversion;
    } catch (err) {
      if (isApiError(err) && err.code === 404) return undefined;
      if (isApiError(err) && err.code === 409 && attempt < 8) continue;
      throw err;
    }
  }
}
