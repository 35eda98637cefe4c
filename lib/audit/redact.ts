// What never reaches an audit body, whatever the policy's level: the data of Secrets, token values, passwords.
// Bodies are copied as they are redacted, so the objects the request handled stay untouched.

export const REDACTED = '<redacted>';

// Keys whose string values are credentials wherever they appear (user changes, logins, token requests, configs).
const SENSITIVE_KEYS = new Set([
  'password',
  'newpassword',
  'currentpassword',
  'oldpassword',
  'token',
  'accesstoken',
  'refreshtoken',
  'secret',
  'authorization',
  'client-key-data',
  'clientkeydata',
  'privatekey',
]);

// API tokens (eos_…) and JWTs (service account tokens) are recognised by their shape anywhere in a body.
const CREDENTIAL_VALUE = /^(eos_[A-Za-z0-9_-]{8,}|eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/**
 * A copy of `body` without secret values. `resource` is what the request addressed: for Secrets every `data`
 * and `stringData` (also in lists and patches, which carry no kind) keeps its keys with the values redacted,
 * and a JSON patch's values are redacted.
 */
export function redactBody(body: unknown, resource?: string, omitManagedFields = false): unknown {
  const secretRequest = resource === 'secrets';
  if (secretRequest && Array.isArray(body))
    return body.map((op) =>
      op && typeof op === 'object' && 'value' in op ? { ...(op as object), value: REDACTED } : op,
    );
  return walk(body, secretRequest, omitManagedFields, 0);
}

function walk(value: unknown, secretData: boolean, omitManagedFields: boolean, depth: number): unknown {
  if (typeof value === 'string') return CREDENTIAL_VALUE.test(value) ? REDACTED : value;
  if (value === null || typeof value !== 'object') return value;
  // Bodies are depth-checked before they are handled; this bound only keeps a pathological copy finite.
  if (depth > 200) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => walk(v, secretData, omitManagedFields, depth + 1));
  const object = value as Record<string, unknown>;
  const isSecret = secretData || object.kind === 'Secret';
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(object)) {
    if (omitManagedFields && key === 'managedFields') continue;
    if (isSecret && (key === 'data' || key === 'stringData') && child && typeof child === 'object')
      out[key] = Object.fromEntries(Object.keys(child).map((k) => [k, REDACTED]));
    else if (SENSITIVE_KEYS.has(key.toLowerCase()) && typeof child === 'string') out[key] = REDACTED;
    else if (isSecret && key === 'metadata' && child && typeof child === 'object')
      out[key] = withoutLastApplied(walk(child, false, omitManagedFields, depth + 1));
    else out[key] = walk(child, secretData && key === 'items', omitManagedFields, depth + 1);
  }
  return out;
}

// kubectl apply keeps the whole applied Secret, values included, in an annotation.
function withoutLastApplied(metadata: unknown): unknown {
  const m = metadata as { annotations?: Record<string, string> };
  const key = 'kubectl.kubernetes.io/last-applied-configuration';
  if (!m.annotations?.[key]) return metadata;
  return { ...m, annotations: { ...m.annotations, [key]: REDACTED } };
}
