import type { ObjectApi } from '../../apiserver/object-api.ts';
import { badRequest, conflict, notFound, tooLarge } from '../../apimachinery/errors.ts';
import type { Pod } from '../../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import { typeByKey } from '../../apimachinery/registry.ts';
import { EXECUTOR_ANNOTATION } from '../../kubelet/executor.ts';
import { ArtifactStore, artifactDir } from './artifact-store.ts';
import { CACHE_ANNOTATION, EXECUTOR, outputAnnotation, parsePlan, PLAN_ANNOTATION, uploadNote } from './exec-plan.ts';
import { ciSettings } from './settings.ts';
import { rawPublicKey, signerKeyId } from './provenance.ts';
import { API_VERSION, GROUP, LABELS, RESOURCES, type Artifact } from './types.ts';
import { handleGithubWebhook } from './webhook.ts';
import type { AppRoute } from '../types.ts';

// The CI application's HTTP endpoints beside its resources (AppDefinition.apiRoutes; the API gateway checks the
// method and authorizes them, lib/http/app-routes.ts): the GitHub webhook (its own HMAC authentication), an
// artifact's content (`get artifacts/content`), the key artifacts are signed with, and the uploads of the agents
// that run steps for real (`update nodes/status`, as node agents): a step pod's outputs and saved cache. Artifact files live
// in the leader's data directory; a follower sends these requests to the leader (lib/router/forward.ts).

export const CI_PREFIX = ['ci.entroos.io', 'v1'];

export type CiRoute =
  | { kind: 'webhook'; provider: string }
  | { kind: 'content'; namespace: string; name: string }
  | { kind: 'signer' }
  | { kind: 'upload'; namespace: string; pod: string; output?: string };

/** The CI route a path under /apis names (segments after `apis`), or undefined for the resource API. */
export function ciRoute(segments: string[]): CiRoute | undefined {
  if (segments[0] !== CI_PREFIX[0] || segments[1] !== CI_PREFIX[1]) return undefined;
  const rest = segments.slice(2);
  if (rest.length === 2 && rest[0] === 'webhooks') return { kind: 'webhook', provider: rest[1] };
  if (rest.length === 1 && rest[0] === 'signer') return { kind: 'signer' };
  if (rest.length === 5 && rest[0] === 'namespaces' && rest[2] === 'artifacts' && rest[4] === 'content')
    return { kind: 'content', namespace: rest[1], name: rest[3] };
  if (rest[0] === 'namespaces' && rest[2] === 'steppods') {
    if (rest.length === 6 && rest[4] === 'outputs')
      return { kind: 'upload', namespace: rest[1], pod: rest[3], output: rest[5] };
    if (rest.length === 5 && rest[4] === 'cache') return { kind: 'upload', namespace: rest[1], pod: rest[3] };
  }
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
    throw notFound(
      `the content of artifact "${name}" (${artifact.spec.digest}) is not in this server's artifact store (it was collected, or it was stored on another instance's disk before a change of leader)`,
      { kind: 'artifacts', name },
    );
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

/**
 * An agent's upload for a step pod that runs for real: an output its plan declares, or its cache directory (a
 * tar.gz). The content is stored by digest and the digest noted on the pod, where the controller reads it when the
 * step's Job finishes; only a bound pod still running takes uploads (the agent uploads before the process's exit
 * is reported).
 */
export async function serveStepUpload(
  api: ObjectApi,
  backupDir: string,
  route: { namespace: string; pod: string; output?: string },
  req: Request,
): Promise<Response> {
  const PODS = typeByKey('pods');
  const pod = api.peek(PODS, route.namespace, route.pod) as (Pod & KubeObject) | undefined;
  if (!pod) throw notFound(`pods "${route.pod}" not found`, { kind: 'pods', name: route.pod });
  const plan = parsePlan(pod.metadata.annotations?.[PLAN_ANNOTATION]);
  if (!plan || pod.metadata.annotations?.[EXECUTOR_ANNOTATION] !== EXECUTOR || !pod.metadata.labels?.[LABELS.run])
    throw badRequest(`pod "${route.pod}" is not a CI step that runs for real (exec: true)`);
  if (!pod.spec?.nodeName) throw conflict(`pod "${route.pod}" is not bound to a node yet`);
  if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed')
    throw conflict(`pod "${route.pod}" has finished: its uploads are closed`);
  if (route.output !== undefined && !plan.outputs.some((o) => o.name === route.output))
    throw notFound(`the step of pod "${route.pod}" declares no output "${route.output}"`);
  if (route.output === undefined && !plan.cache) throw badRequest(`the step of pod "${route.pod}" has no cacheKeys`);
  const limit = ciSettings().quotaBytes;
  if (Number(req.headers.get('content-length') ?? 0) > limit) throw tooLarge(limit);
  const body = Buffer.from(await req.arrayBuffer());
  if (body.length > limit) throw tooLarge(limit);
  const stored = await new ArtifactStore(artifactDir(backupDir)).put(body);
  const key = route.output === undefined ? CACHE_ANNOTATION : outputAnnotation(route.output);
  await api.patch(PODS, route.namespace, route.pod, 'merge', {
    metadata: { annotations: { [key]: uploadNote(stored) } },
  });
  return Response.json(stored, { status: 201 });
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
    case 'upload':
      return {
        methods: ['PUT'],
        // What a step produced is vouched for by the node that ran it: only a caller that may act as a node agent
        // (write node status, as every agent does) may upload, not anyone who may create objects in the namespace.
        authorize: { verb: 'update', resource: 'nodes', apiGroup: '', subresource: 'status' },
        serve: (req, { api, config }) => serveStepUpload(api, config.backupDir, route, req),
      };
    case 'signer':
      return {
        methods: ['GET'],
        authorize: { verb: 'get', resource: 'artifacts', apiGroup: GROUP },
        serve: async (_req, { clusterKey }) => Response.json(signerInfo(clusterKey.publicKeyPem)),
      };
  }
}
