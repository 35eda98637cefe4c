import { describe, expect, it } from 'vitest';
import { loadClusterKey, verifyWithPublicKey } from '../../lib/auth/cluster-key.ts';

function memorySettings() {
  const values = new Map<string, string>();
  return {
    values,
    getOrCreate: async (key: string, create: () => string) => {
      if (!values.has(key)) values.set(key, create());
      return values.get(key)!;
    },
  };
}

describe('cluster signing key', () => {
  it('is created once and shared by every instance reading the same settings', async () => {
    const settings = memorySettings();
    const a = await loadClusterKey(settings);
    const b = await loadClusterKey(settings);
    expect(a.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(b.keyId).toBe(a.keyId);
    const signature = a.sign('manifest');
    expect(b.verify('manifest', signature)).toBe(true);
    expect(verifyWithPublicKey(a.publicKeyPem, 'manifest', signature)).toBe(true);
  });

  it('rejects changed data, a foreign key and garbage signatures', async () => {
    const key = await loadClusterKey(memorySettings());
    const other = await loadClusterKey(memorySettings());
    const signature = key.sign('manifest');
    expect(key.verify('manifest!', signature)).toBe(false);
    expect(other.verify('manifest', signature)).toBe(false);
    expect(key.verify('manifest', 'not base64 at all')).toBe(false);
    expect(verifyWithPublicKey('not a pem', 'manifest', signature)).toBe(false);
  });
});
