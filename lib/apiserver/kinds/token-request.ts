import { conflict, forbidden, invalid, notFound, type ApiError, type StatusCause } from '../../apimachinery/errors.ts';
import type { BoundObjectReference, TokenRequest } from '../../apimachinery/generated/kinds.ts';
import { timestamp } from '../../apimachinery/meta.ts';
import { typeByKey, type ResourceType } from '../../apimachinery/registry.ts';
import type { Principal } from '../../auth/principal.ts';
import { roleCovers } from '../../auth/rbac.ts';
import {
  API_AUDIENCES,
  BINDABLE_KINDS,
  serviceAccountRole,
  signServiceAccountToken,
} from '../../auth/service-account-tokens.ts';
import { decodeBuiltin, type DecodeOptions } from '../decode.ts';
import type { ObjectApi } from '../object-api.ts';

// The token subresource of ServiceAccounts (authentication.k8s.io/v1 TokenRequest): tokens are signed, not stored.

/** The token subresource's settings: the signing key and the longest lifetime a token is given. */
export interface TokenIssuer {
  key: Buffer;
  maxExpirationSeconds: number;
}

const MIN_EXPIRATION_SECONDS = 600;
const MAX_REQUESTABLE_SECONDS = 2 ** 32;
const DEFAULT_EXPIRATION_SECONDS = 3600;

/** The request body's type for decoding (TokenRequest is not a stored kind). */
const TOKEN_REQUEST: ResourceType = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenRequest',
  plural: 'token',
  singular: 'token',
  shortNames: [],
  namespaced: true,
  verbs: ['create'],
  subresources: [],
  key: 'token',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * POST …/serviceaccounts/NAME/token: signs a token for the account, as kube-apiserver does. expirationSeconds is
 * at least 600 (422 otherwise) and capped at the configured maximum; audiences default to the API server's; a
 * boundObjectRef ties the token to a Pod or Secret of the namespace, and the token stops working once it is gone.
 * Nothing is stored. Minting a token for an account whose role exceeds the requester's is refused (403).
 */
export async function requestToken(
  api: ObjectApi,
  issuer: TokenIssuer,
  requester: Principal,
  namespace: string,
  name: string,
  body: unknown,
  decode: DecodeOptions,
): Promise<TokenRequest> {
  if (body !== undefined && !isRecord(body)) throw invalidRequest(name, [required('spec')]);
  const request = structuredClone(body ?? {});
  decodeBuiltin(TOKEN_REQUEST, request, decode);
  const spec = (isRecord(request.spec) ? request.spec : {}) as Partial<TokenRequest['spec']>;
  const causes: StatusCause[] = [];
  const expiration = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (expiration < MIN_EXPIRATION_SECONDS)
    causes.push(bad('spec.expirationSeconds', expiration, 'may not specify a duration less than 10 minutes'));
  else if (expiration > MAX_REQUESTABLE_SECONDS)
    causes.push(bad('spec.expirationSeconds', expiration, 'may not specify a duration larger than 2^32 seconds'));
  const audiences = spec.audiences?.length ? spec.audiences : [...API_AUDIENCES];
  audiences.forEach((a, i) => {
    if (!a) causes.push(required(`spec.audiences[${i}]`));
  });
  const boundRef = spec.boundObjectRef;
  if (boundRef) validateBoundRef(boundRef, causes);
  if (causes.length) throw invalidRequest(name, causes);

  const account = api.get(typeByKey('serviceaccounts'), namespace, name);
  if (account.metadata.deletionTimestamp)
    throw conflict(`serviceaccounts "${name}" is being deleted: no tokens are issued for it`);
  const role = serviceAccountRole(account);
  if (!roleCovers(requester.role, role))
    throw forbidden(
      `serviceaccounts "${name}" is forbidden: its role is ${role}; ${requester.username} (role ${requester.role}) may not create tokens for it`,
    );
  let bound: { kind: string; ref: { name: string; uid: string } } | undefined;
  if (boundRef?.kind && boundRef.name) {
    const resource = BINDABLE_KINDS[boundRef.kind];
    const object = api.peek(typeByKey(resource), namespace, boundRef.name);
    if (!object || object.metadata.deletionTimestamp)
      throw notFound(`${resource} "${boundRef.name}" not found`, { name: boundRef.name, kind: resource });
    if (boundRef.uid && boundRef.uid !== object.metadata.uid)
      throw conflict(
        `the UID in the bound object reference (${boundRef.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    bound = { kind: boundRef.kind, ref: { name: boundRef.name, uid: object.metadata.uid ?? '' } };
  }
  const expirationSeconds = Math.min(expiration, issuer.maxExpirationSeconds);
  const { token, expiresAt } = signServiceAccountToken(issuer.key, {
    namespace,
    serviceAccount: { name, uid: account.metadata.uid ?? '' },
    audiences,
    expirationSeconds,
    bound,
  });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: timestamp() },
    spec: {
      audiences,
      expirationSeconds,
      ...(bound && boundRef
        ? { boundObjectRef: { kind: bound.kind, apiVersion: 'v1', name: bound.ref.name, uid: bound.ref.uid } }
        : {}),
    },
    status: { token, expirationTimestamp: timestamp(new Date(expiresAt)) },
  };
}

function validateBoundRef(ref: BoundObjectReference, causes: StatusCause[]) {
  const kinds = Object.keys(BINDABLE_KINDS);
  if (!ref.kind) causes.push(required('spec.boundObjectRef.kind'));
  else if (!kinds.includes(ref.kind))
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(ref.kind)}: supported values: ${kinds.map((k) => `"${k}"`).join(', ')}`,
      field: 'spec.boundObjectRef.kind',
    });
  if (ref.apiVersion !== undefined && ref.apiVersion !== 'v1')
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(ref.apiVersion)}: supported values: "v1"`,
      field: 'spec.boundObjectRef.apiVersion',
    });
  if (!ref.name) causes.push(required('spec.boundObjectRef.name'));
}

const required = (field: string): StatusCause => ({ reason: 'FieldValueRequired', message: 'Required value', field });
const bad = (field: string, value: unknown, message: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
  field,
});

function invalidRequest(name: string, causes: StatusCause[]): ApiError {
  const error = invalid('TokenRequest', name, causes);
  if (error.details) error.details.group = 'authentication.k8s.io';
  return error;
}
