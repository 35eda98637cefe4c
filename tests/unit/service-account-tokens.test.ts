import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@/lib/apimachinery/object.ts';
import {
  API_AUDIENCES,
  authenticateServiceAccountToken,
  serviceAccountKey,
  signServiceAccountToken,
  verifyServiceAccountToken,
  type ObjectReader,
} from '@/lib/auth/service-account-tokens.ts';

// The signing module itself: tokens expire (tested with a token minted in the past, since the API refuses
// lifetimes under 10 minutes), and only this key's signatures count.

const key = serviceAccountKey('a-test-auth-secret-of-at-least-32-characters');
const account = { name: 'robot', uid: '3f1c2a4e-0000-4000-8000-000000000001' };

/** Stored objects as the watch cache would hold them. */
function objects(...list: KubeObject[]): ObjectReader {
  return {
    get: (resource, namespace, name) =>
      list.find(
        (o) =>
          (o.kind === 'ServiceAccount' ? 'serviceaccounts' : 'pods') === resource &&
          o.metadata.namespace === namespace &&
          o.metadata.name === name,
      ),
  };
}
const stored = (kind: string, name: string, uid: string, annotations?: Record<string, string>): KubeObject => ({
  kind,
  apiVersion: 'v1',
  metadata: { name, namespace: 'default', uid, resourceVersion: '1', ...(annotations ? { annotations } : {}) },
});

const grant = { namespace: 'default', serviceAccount: account, audiences: [...API_AUDIENCES], expirationSeconds: 600 };

describe('service account tokens', () => {
  it('verify until they expire, and not after', () => {
    const now = Date.now();
    const { token, expiresAt } = signServiceAccountToken(key, { ...grant, now: now - 3600_000 });
    expect(expiresAt).toBe(Math.floor((now - 3600_000) / 1000) * 1000 + 600_000);
    expect(verifyServiceAccountToken(key, token, now - 3600_000 + 1000)).toMatchObject({
      sub: 'system:serviceaccount:default:robot',
      'kubernetes.io': { namespace: 'default', serviceaccount: account },
    });
    expect(verifyServiceAccountToken(key, token, now)).toBeNull();
    const reader = objects(stored('ServiceAccount', 'robot', account.uid));
    expect(authenticateServiceAccountToken(reader, key, token, now)).toBeNull();
    const fresh = signServiceAccountToken(key, grant).token;
    expect(authenticateServiceAccountToken(reader, key, fresh)).toMatchObject({
      username: 'system:serviceaccount:default:robot',
      role: 'viewer',
      via: 'serviceaccount',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    });
  });

  it('count only this key, this issuer and the API audience', () => {
    const { token } = signServiceAccountToken(key, grant);
    const other = serviceAccountKey('another-auth-secret-of-at-least-32-characters');
    expect(verifyServiceAccountToken(other, token)).toBeNull();
    expect(
      verifyServiceAccountToken(key, signServiceAccountToken(key, { ...grant, audiences: ['vault'] }).token),
    ).toBeNull();
    expect(verifyServiceAccountToken(key, token, Date.now(), ['vault'])).toBeNull();
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'system:serviceaccount:default:admin' })).toString('base64url');
    expect(verifyServiceAccountToken(key, `${h}.${forged}.${s}`)).toBeNull();
    expect(verifyServiceAccountToken(key, 'eos_not-a-jwt')).toBeNull();
  });

  it('stop with their account (also one recreated under the same name) and with the object they are bound to', () => {
    const pod = { name: 'web', uid: '3f1c2a4e-0000-4000-8000-000000000002' };
    const { token } = signServiceAccountToken(key, { ...grant, bound: { kind: 'Pod', ref: pod } });
    const sa = stored('ServiceAccount', 'robot', account.uid, { 'entroos.io/role': 'operator' });
    expect(authenticateServiceAccountToken(objects(sa, stored('Pod', 'web', pod.uid)), key, token)?.role).toBe(
      'operator',
    );
    expect(authenticateServiceAccountToken(objects(sa), key, token)).toBeNull();
    expect(authenticateServiceAccountToken(objects(sa, stored('Pod', 'web', 'another-uid')), key, token)).toBeNull();
    const recreated = stored('ServiceAccount', 'robot', 'a-new-uid');
    expect(authenticateServiceAccountToken(objects(recreated, stored('Pod', 'web', pod.uid)), key, token)).toBeNull();
    expect(authenticateServiceAccountToken(objects(), key, token)).toBeNull();
  });
});
