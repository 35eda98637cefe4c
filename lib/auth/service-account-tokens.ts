import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import type { KubeObject } from '../apimachinery/object.ts';
import type { Principal } from './principal.ts';
import { isRole, type Role } from './rbac.ts';

// Service account tokens, as kube-apiserver issues them through the TokenRequest API: JWTs whose claims name the
// account (and the object the token is bound to), signed by the server. The signing key is derived (HKDF) from
// the cluster's auth secret, which every instance reads from the same place (ENTROOS_AUTH_SECRET, or the
// `auth.secret` setting in the shared database): every instance verifies every other's tokens, and a token never
// doubles as a session key.

/** Who issues the tokens, and the audience the API server accepts (kube-apiserver's defaults under kubeadm). */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const API_AUDIENCES: readonly string[] = [SERVICE_ACCOUNT_ISSUER];

/**
 * Until namespaced RBAC objects exist, a service account is given one of the built-in roles by this annotation
 * (viewer when absent). Only admins may set it to operator or admin.
 */
export const ROLE_ANNOTATION = 'entroos.io/role';

export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** The kinds a token may be bound to, and their stored resource. */
export const BINDABLE_KINDS: Readonly<Record<string, string>> = { Pod: 'pods', Secret: 'secrets' };

export interface ObjectRef {
  name: string;
  uid: string;
}

export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: ObjectRef;
    pod?: ObjectRef;
    secret?: ObjectRef;
  };
}

/** What a token is issued for; `now` and `expirationSeconds` are given so tests can mint expired tokens. */
export interface TokenGrant {
  namespace: string;
  serviceAccount: ObjectRef;
  audiences: string[];
  expirationSeconds: number;
  bound?: { kind: string; ref: ObjectRef };
  now?: number;
}

const keys = new Map<string, Buffer>();

/** The HMAC key of service account tokens, derived from the auth secret. */
export function serviceAccountKey(authSecret: string): Buffer {
  let key = keys.get(authSecret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', authSecret, 'entroos', 'service account tokens (HS256)', 32));
    keys.set(authSecret, key);
  }
  return key;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const HEADER = b64({ alg: 'HS256', typ: 'JWT' });
const sign = (key: Buffer, input: string) => createHmac('sha256', key).update(input).digest();

export const serviceAccountUsername = (namespace: string, name: string) =>
  `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;

/** Signs a token; returns it with its expiry (ms since the epoch). */
export function signServiceAccountToken(key: Buffer, grant: TokenGrant): { token: string; expiresAt: number } {
  const iat = Math.floor((grant.now ?? Date.now()) / 1000);
  const exp = iat + grant.expirationSeconds;
  const claims: ServiceAccountClaims = {
    iss: SERVICE_ACCOUNT_ISSUER,
    sub: serviceAccountUsername(grant.namespace, grant.serviceAccount.name),
    aud: grant.audiences,
    iat,
    nbf: iat,
    exp,
    jti: randomUUID(),
    'kubernetes.io': {
      namespace: grant.namespace,
      serviceaccount: grant.serviceAccount,
      ...(grant.bound?.kind === 'Pod' ? { pod: grant.bound.ref } : {}),
      ...(grant.bound?.kind === 'Secret' ? { secret: grant.bound.ref } : {}),
    },
  };
  const input = `${HEADER}.${b64(claims)}`;
  return { token: `${input}.${sign(key, input).toString('base64url')}`, expiresAt: exp * 1000 };
}

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Whether a bearer credential is shaped like a JWT (API tokens are `eos_…`). */
export const looksLikeJwt = (token: string) => token.length <= 8192 && JWT.test(token);

const isRef = (value: unknown): value is ObjectRef =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as ObjectRef).name === 'string' &&
  typeof (value as ObjectRef).uid === 'string';

/**
 * The claims of a token this server signed for one of `audiences`, or null when its signature, issuer, audience
 * or shape is wrong, or it has expired (`now` in ms).
 */
export function verifyServiceAccountToken(
  key: Buffer,
  token: string,
  now = Date.now(),
  audiences: readonly string[] = API_AUDIENCES,
): ServiceAccountClaims | null {
  if (!looksLikeJwt(token)) return null;
  const [header, payload, signature] = token.split('.');
  const expected = sign(key, `${header}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: Partial<ServiceAccountClaims>;
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: unknown };
    if (head.alg !== 'HS256') return null;
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Partial<ServiceAccountClaims>;
  } catch {
    return null;
  }
  const seconds = now / 1000;
  if (claims.iss !== SERVICE_ACCOUNT_ISSUER) return null;
  if (typeof claims.exp !== 'number' || claims.exp <= seconds) return null;
  if (typeof claims.nbf === 'number' && claims.nbf > seconds + 60) return null;
  if (!Array.isArray(claims.aud) || !claims.aud.some((a) => audiences.includes(a))) return null;
  const k8s = claims['kubernetes.io'];
  if (!k8s || typeof k8s.namespace !== 'string' || !isRef(k8s.serviceaccount)) return null;
  if (claims.sub !== serviceAccountUsername(k8s.namespace, k8s.serviceaccount.name)) return null;
  return claims as ServiceAccountClaims;
}

/**
 * `entroos.io/role: none`: no built-in role at all, only what RBAC bindings grant (an account that must not read
 * objects, such as Prometheus' with entroos:metrics-reader). Shown, and capped when tokens are minted, as viewer.
 */
export const NO_ROLE = 'none';

export function serviceAccountUnbound(account: KubeObject | undefined): boolean {
  return (account?.metadata.annotations as Record<string, string> | undefined)?.[ROLE_ANNOTATION] === NO_ROLE;
}

/** The role a service account is given by its annotation: viewer when absent (validation refuses other values). */
export function serviceAccountRole(account: KubeObject | undefined): Role {
  const value = (account?.metadata.annotations as Record<string, string> | undefined)?.[ROLE_ANNOTATION];
  return isRole(value) ? value : 'viewer';
}

/** Reads stored objects (the watch cache). */
export interface ObjectReader {
  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined;
}

const alive = (obj: KubeObject | undefined, ref: ObjectRef) =>
  !!obj && obj.metadata.uid === ref.uid && !obj.metadata.deletionTimestamp;

/**
 * The principal of a service account token: null when the token does not verify or has expired, when its account
 * was deleted (or deleted and recreated: the uid differs), or when the object it is bound to is gone.
 */
export function authenticateServiceAccountToken(
  objects: ObjectReader,
  key: Buffer,
  token: string,
  now = Date.now(),
): Principal | null {
  const claims = verifyServiceAccountToken(key, token, now);
  if (!claims) return null;
  const { namespace, serviceaccount, pod, secret } = claims['kubernetes.io'];
  const account = objects.get('serviceaccounts', namespace, serviceaccount.name);
  if (!alive(account, serviceaccount)) return null;
  if (pod && !alive(objects.get('pods', namespace, pod.name), pod)) return null;
  if (secret && !alive(objects.get('secrets', namespace, secret.name), secret)) return null;
  return {
    userId: claims.sub,
    username: claims.sub,
    role: serviceAccountRole(account),
    ...(serviceAccountUnbound(account) ? { unbound: true as const } : {}),
    via: 'serviceaccount',
    uid: serviceaccount.uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}
