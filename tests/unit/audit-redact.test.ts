import { describe, expect, it } from 'vitest';
import { REDACTED, redactBody } from '@/lib/audit/redact.ts';

describe('audit body redaction', () => {
  it('keeps the keys of a Secret and drops its values, also in lists, patches and kubectl annotations', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 's',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"aHVudGVyMg=="}}' },
      },
      data: { password: 'aHVudGVyMg==' },
      stringData: { token: 'hunter2' },
    };
    const out = JSON.stringify(redactBody(secret, 'secrets'));
    expect(out).not.toMatch(/aHVudGVyMg|hunter2/);
    expect(redactBody(secret)).toMatchObject({ data: { password: REDACTED }, stringData: { token: REDACTED } });
    const list = { kind: 'SecretList', items: [{ metadata: { name: 'a' }, data: { k: 'dmFsdWU=' } }] };
    expect(JSON.stringify(redactBody(list, 'secrets'))).not.toContain('dmFsdWU=');
    expect(redactBody({ data: { k: 'dmFsdWU=' } }, 'secrets')).toEqual({ data: { k: REDACTED } });
    expect(redactBody([{ op: 'add', path: '/data/k', value: 'dmFsdWU=' }], 'secrets')).toEqual([
      { op: 'add', path: '/data/k', value: REDACTED },
    ]);
    // A ConfigMap's data is not secret.
    expect(redactBody({ kind: 'ConfigMap', data: { k: 'v' } }, 'configmaps')).toEqual({
      kind: 'ConfigMap',
      data: { k: 'v' },
    });
  });

  it('drops passwords, tokens and credential-shaped strings anywhere', () => {
    const body = {
      username: 'bob',
      password: 'correct horse',
      nested: { newPassword: 'x1', currentPassword: 'x2' },
      status: { token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' },
      note: 'eos_0123456789abcdef0123456789abcdef',
      secretName: 'tls-cert',
    };
    const out = redactBody(body) as typeof body;
    expect(out).toEqual({
      username: 'bob',
      password: REDACTED,
      nested: { newPassword: REDACTED, currentPassword: REDACTED },
      status: { token: REDACTED },
      note: REDACTED,
      secretName: 'tls-cert',
    });
    expect(body.password).toBe('correct horse'); // the request's own object is untouched
  });

  it('omits managedFields when the policy says so', () => {
    const obj = { metadata: { name: 'p', managedFields: [{ manager: 'kubectl' }] } };
    expect(redactBody(obj, 'pods', true)).toEqual({ metadata: { name: 'p' } });
    expect(redactBody(obj, 'pods', false)).toEqual(obj);
  });
});
