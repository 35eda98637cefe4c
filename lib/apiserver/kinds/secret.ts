import type { StatusCause } from '../../apimachinery/errors.ts';
import type { Secret } from '../../apimachinery/generated/kinds.ts';

// The core Secret kind as kube-apiserver treats it: stringData is folded into data on every write (it is
// write-only: never stored, never returned), type defaults to Opaque, and validation follows
// pkg/apis/core/validation ValidateSecret / ValidateSecretUpdate, with the same field paths and wording.

export const SECRET_TYPES = {
  opaque: 'Opaque',
  serviceAccountToken: 'kubernetes.io/service-account-token',
  dockercfg: 'kubernetes.io/dockercfg',
  dockerConfigJson: 'kubernetes.io/dockerconfigjson',
  basicAuth: 'kubernetes.io/basic-auth',
  sshAuth: 'kubernetes.io/ssh-auth',
  tls: 'kubernetes.io/tls',
  bootstrapToken: 'bootstrap.kubernetes.io/token',
} as const;

/** corev1.MaxSecretSize: the keys and decoded values of one Secret together. */
export const MAX_SECRET_BYTES = 1024 * 1024;

/** What kube-apiserver shows instead of a Secret's value in an error message. */
const REDACTED = '<secret contents redacted>';

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

type Causes = StatusCause[];
type Unchecked = Record<string, unknown>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A Go field path's map key: data[tls.crt]. */
const dataKey = (key: string) => `data[${key}]`;
const requiredCause = (field: string): StatusCause => ({
  reason: 'FieldValueRequired',
  message: 'Required value',
  field,
});

/** apimachinery's IsConfigMapKey. */
export function configKeyErrors(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push('must be no more than 253 characters');
  if (!CONFIG_KEY.test(key))
    errs.push(
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    );
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/**
 * Folds stringData into data (a stringData key wins over the same data key, as the v1 → internal conversion does)
 * and defaults the type. Runs on every write path — create, update, patch and server-side apply all reach the
 * defaults — so stringData never reaches the store or a response.
 */
export function defaultSecret(obj: Unchecked) {
  const secret = obj as Secret;
  const stringData: unknown = obj.stringData;
  if (isRecord(stringData)) {
    const data: Record<string, string> = isRecord(secret.data) ? { ...secret.data } : {};
    for (const [key, value] of Object.entries(stringData))
      if (typeof value === 'string') data[key] = Buffer.from(value, 'utf8').toString('base64');
    secret.data = data;
  }
  delete obj.stringData;
  if (secret.type === undefined || secret.type === '') secret.type = SECRET_TYPES.opaque;
}

/** The decoded bytes of a data value (the decoder has already refused values that are not base64). */
const decoded = (value: unknown) => Buffer.from(typeof value === 'string' ? value : '', 'base64');

/** ValidateSecret and, with `old`, ValidateSecretUpdate: the causes of a 422, each naming its field. */
export function validateSecret(obj: Unchecked, old: Unchecked | undefined, causes: Causes) {
  // ValidateSecretUpdate: the update's own checks first, then the new object's as a create would see it.
  if (old) {
    if (obj.type !== old.type)
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(obj.type)}: field is immutable`,
        field: 'type',
      });
    if (old.immutable === true) {
      if (obj.immutable !== true)
        causes.push({
          reason: 'FieldValueForbidden',
          message: 'Forbidden: field is immutable when `immutable` is set',
          field: 'immutable',
        });
      if (!sameData(obj.data, old.data))
        causes.push({
          reason: 'FieldValueForbidden',
          message: 'Forbidden: field is immutable when `immutable` is set',
          field: 'data',
        });
    }
  }
  const data: unknown = obj.data;
  if (data !== undefined && data !== null && !isRecord(data)) {
    causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: "object": must be a map', field: 'data' });
    return;
  }
  const entries = Object.entries(isRecord(data) ? data : {});
  let total = 0;
  for (const [key, value] of entries) {
    for (const message of configKeyErrors(key))
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(key)}: ${message}`,
        field: dataKey(key),
      });
    total += Buffer.byteLength(key) + decoded(value).length;
  }
  if (total > MAX_SECRET_BYTES)
    causes.push({
      reason: 'FieldValueTooLong',
      message: `Too long: must have at most ${MAX_SECRET_BYTES} bytes`,
      field: 'data',
    });

  const has = (key: string) => isRecord(data) && key in data;
  const metadata = isRecord(obj.metadata) ? obj.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  switch (obj.type) {
    case SECRET_TYPES.serviceAccountToken:
      if (!annotations['kubernetes.io/service-account.name'])
        causes.push(requiredCause('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    case SECRET_TYPES.dockercfg:
      if (!has('.dockercfg')) causes.push(requiredCause(dataKey('.dockercfg')));
      else jsonCause('.dockercfg', isRecord(data) ? data['.dockercfg'] : undefined, causes);
      break;
    case SECRET_TYPES.dockerConfigJson:
      if (!has('.dockerconfigjson')) causes.push(requiredCause(dataKey('.dockerconfigjson')));
      else jsonCause('.dockerconfigjson', isRecord(data) ? data['.dockerconfigjson'] : undefined, causes);
      break;
    case SECRET_TYPES.basicAuth:
      if (!has('username') && !has('password')) {
        causes.push(requiredCause(dataKey('username')));
        causes.push(requiredCause(dataKey('password')));
      }
      break;
    case SECRET_TYPES.sshAuth:
      if (!has('ssh-privatekey')) causes.push(requiredCause(dataKey('ssh-privatekey')));
      break;
    case SECRET_TYPES.tls:
      if (!has('tls.crt')) causes.push(requiredCause(dataKey('tls.crt')));
      if (!has('tls.key')) causes.push(requiredCause(dataKey('tls.key')));
      break;
    default:
      // Opaque, bootstrap tokens and any other type: free-form, as in Kubernetes.
      break;
  }
  if (obj.immutable !== undefined && obj.immutable !== null && typeof obj.immutable !== 'boolean')
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(obj.immutable)}: must be a boolean`,
      field: 'immutable',
    });
}

/** Compared as decoded bytes: the same data written with different base64 padding or key order is unchanged. */
function sameData(a: unknown, b: unknown): boolean {
  const left = isRecord(a) ? a : {};
  const right = isRecord(b) ? b : {};
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((k) => k in right && decoded(left[k]).equals(decoded(right[k])));
}

function jsonCause(key: string, value: unknown, causes: Causes) {
  try {
    JSON.parse(decoded(value).toString('utf8'));
  } catch {
    // Not the parser's own words: V8's quote a piece of the input, and the value must never be echoed.
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(REDACTED)}: the value is not valid JSON`,
      field: dataKey(key),
    });
  }
}
