import type { ObjectApi } from '../../apiserver/object-api.ts';
import { notFound } from '../../apimachinery/errors.ts';
import { typeByKey } from '../../apimachinery/registry.ts';
import { ArtifactStore, artifactDir } from './artifact-store.ts';
import { rawPublicKey, signerKeyId } from './provenance.ts';
import { API_VERSION, GROUP, RESOURCES, type Artifact } from './types.ts';
import { handleGithubWebhook } from './webhook.ts';
import type { AppRoute } from '../types.ts';

// The CI application's HTTP endpoints beside its resources (AppDefinition.apiRoutes; the API gateway checks the
// method and authorizes them, lib/http/app-routes.ts): the GitHub webhook (its own HMAC authentication), an
// artifact's content (`get artifacts/content`) and the key artifacts are signed with.

export const CI_PREFIX = ['ci.entroos.io', 'v1'];

export type CiRoute =
  { kind: 'webhook'; provider: string } | { kind: 'content'; namespace: string; name: string } | { kind: 'signer' };

/** The CI route a path under /apis names (segments after `apis`), or undefined for the resource API. */
export function ciRoute(segments: string[]): CiRoute | undefined {
  if (segments[0] !== CI_PREFIX[0] || segments[1] !== CI_PREFIX[1]) return undefined;
  const rest = segments.slice(2);
  if (rest.length === 2 && rest[0] === 'webhooks') return { kind: 'webhook', provider: rest[1] };
  if (rest.length === 1 && rest[0] === 'signer') return { kind: 'signer' };
  if (rest.length === 5 && rest[0] === 'namespaces' && rest[2] === 'artifacts' && rest[4] === 'content')
    return { kind: 'content', namespace: rest[1], name: rest[3] };
  return undefined;
}

export async function serveWebhook(api: ObjectApi, provider: string, req: Request): Promise<Response> {
  if (provider !== 'github') throw notFound(`no webhook for ${provider} (github is served)`);
  const body = Buffer.from(await req.arrayBuffer());
  const result = await handleGithubWebhook(api, {
    event: req.headers.get('x-github-event'),
    signature: req.headers.get('x-hub-signature-256'),
    deliveryId: req.headers.get('x-github-delivery'),
    body,
  });
  return Response.json(result, { status: result.runs.length ? 201 : 200 });
}

export async function serveArtifactContent(
  api: ObjectApi,
  backupDir: string,
  namespace: string,
  name: string,
): Promise<Response> {
  const artifact = api.peek(typeByKey(RESOURCES.artifacts), namespace, name) as Artifact | undefined;
  if (!artifact) throw notFound(`artifacts.ci.entroos.io "${name}" not found`, { kind: 'artifacts', name });
  const content = await new ArtifactStore(artifactDir(backupDir)).get(artifact.spec.digest);
  if (!content)
    throw notFound(`the content of artifact "${name}" (${artifact.spec.digest}) is no longer stored`, {
      kind: 'artifacts',
      name,
    });
  return new Response(new Uint8Array(content), {
    headers: {
      'content-type': artifact.spec.mediaType,
      'content-length': String(content.length),
      'content-disposition': `attachment; filename="${name}"`,
      digest: `sha-256=${Buffer.from(artifact.spec.digest.slice(7), 'hex').toString('base64')}`,
      etag: `"${artifact.spec.digest}"`,
    },
  });
}

/** The public half of the key provenance is signed with, as a supply-chain Participant holds it. */
export function signerInfo(publicKeyPem: string) {
  return {
    kind: 'CiSigner',
    apiVersion: API_VERSION,
    publicKeyPem,
    publicKey: rawPublicKey(publicKeyPem),
    keyid: signerKeyId(publicKeyPem),
  };
}

/** The CI endpoint a path under /apis names, with the RBAC request each is allowed as. */
export function ciApiRoutes(segments: string[]): AppRoute | undefined {
  const route = ciRoute(segments);
  if (!route) return undefined;
  switch (route.kind) {
    case 'webhook':
      return {
        methods: ['POST'],
        // GitHub sends no credentials: the delivery's HMAC signature is checked against the pipeline's secret.
        authorize: 'self-authenticated',
        serve: (req, { api }) => serveWebhook(api, route.provider, req),
      };
    case 'content':
      return {
        methods: ['GET', 'HEAD'],
        authorize: {
          verb: 'get',
          resource: 'artifacts',
          apiGroup: GROUP,
          namespace: route.namespace,
          name: route.name,
          subresource: 'content',
        },
        serve: (_req, { api, config }) => serveArtifactContent(api, config.backupDir, route.namespace, route.name),
      };
    case 'signer':
      return {
        methods: ['GET'],
        authorize: { verb: 'get', resource: 'artifacts', apiGroup: GROUP },
        serve: async (_req, { clusterKey }) => Response.json(signerInfo(clusterKey.publicKeyPem)),
      };
  }
}
