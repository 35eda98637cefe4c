import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError, badRequest, isApiError } from '../../apimachinery/errors.ts';
import { lookupKey, typeByKey } from '../../apimachinery/registry.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import type { ObjectApi } from '../../apiserver/object-api.ts';
import {
  API_VERSION,
  LABELS,
  RESOURCES,
  type GithubTrigger,
  type Pipeline,
  type PipelineRun,
  type RunTrigger,
} from './types.ts';

// GitHub webhooks: a push or pull_request delivery starts a run of every pipeline whose trigger names the
// repository, once its X-Hub-Signature-256 (HMAC-SHA256 of the raw body) verifies with the Secret that pipeline
// names. A delivery no pipeline's secret verifies is a 401 and starts nothing; the secrets are never logged.

export interface WebhookDelivery {
  event: string | null;
  signature: string | null;
  deliveryId: string | null;
  body: Buffer;
}

export interface WebhookResult {
  kind: 'WebhookResult';
  apiVersion: typeof API_VERSION;
  event: string;
  runs: { namespace: string; name: string; pipeline: string }[];
  ignored?: string;
}

interface GithubPayload {
  ref?: string;
  after?: string;
  deleted?: boolean;
  action?: string;
  repository?: { full_name?: string };
  sender?: { login?: string };
  pull_request?: { head?: { ref?: string; sha?: string }; base?: { ref?: string }; number?: number };
}

const PR_ACTIONS = new Set(['opened', 'synchronize', 'reopened']);

/** Whether `signature` (sha256=<hex>) is the HMAC-SHA256 of `body` with `secret`, compared in constant time. */
export function signatureMatches(body: Buffer, secret: Buffer, signature: string | null): boolean {
  const m = /^sha256=([a-f0-9]{64})$/.exec(signature ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(m[1], 'hex'));
}

export const signBody = (body: Buffer | string, secret: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const unauthorized = (message: string) => new ApiError(401, 'Unauthorized', message);

function secretOf(api: ObjectApi, namespace: string, ref: { name: string; key: string }): Buffer | undefined {
  const secrets = lookupKey('secrets');
  const secret = secrets ? (api.peek(secrets, namespace, ref.name) as KubeObject | undefined) : undefined;
  const value = (secret as { data?: Record<string, string> } | undefined)?.data?.[ref.key];
  return value ? Buffer.from(value, 'base64') : undefined;
}

export async function handleGithubWebhook(api: ObjectApi, delivery: WebhookDelivery): Promise<WebhookResult> {
  let payload: GithubPayload;
  try {
    payload = JSON.parse(delivery.body.toString('utf8')) as GithubPayload;
  } catch {
    // Unsigned garbage and signed garbage alike: nothing is started, and nothing says which secret exists.
    throw unauthorized('the delivery is not a signed GitHub JSON payload');
  }
  const repository = payload?.repository?.full_name;
  if (typeof repository !== 'string') throw unauthorized('the delivery names no repository');
  const verified: { pipeline: Pipeline; github: GithubTrigger }[] = [];
  for (const pipeline of api.cache.list(RESOURCES.pipelines).items as Pipeline[]) {
    const github = pipeline.spec.triggers?.github;
    if (github?.repository.toLowerCase() !== repository.toLowerCase()) continue;
    const secret = secretOf(api, pipeline.metadata.namespace ?? '', github.secretRef);
    if (secret !== undefined && signatureMatches(delivery.body, secret, delivery.signature))
      verified.push({ pipeline, github });
  }
  if (!verified.length)
    throw unauthorized(
      `the X-Hub-Signature-256 of this delivery does not verify with the webhook secret of any pipeline triggered by ${repository}`,
    );
  const event = delivery.event ?? '';
  const result: WebhookResult = { kind: 'WebhookResult', apiVersion: API_VERSION, event, runs: [] };
  if (event === 'ping') return { ...result, ignored: 'ping' };
  if (event !== 'push' && event !== 'pull_request') return { ...result, ignored: `event ${event} starts no run` };
  let trigger: RunTrigger;
  let branch: string;
  if (event === 'push') {
    if (payload.deleted) return { ...result, ignored: 'a deleted ref starts no run' };
    if (typeof payload.ref !== 'string') throw badRequest('a push payload names its ref');
    branch = payload.ref.replace(/^refs\/heads\//, '');
    trigger = { type: 'github', event, repository, ref: payload.ref, sha: payload.after };
  } else {
    if (!PR_ACTIONS.has(payload.action ?? '')) return { ...result, ignored: `pull_request ${payload.action}` };
    branch = payload.pull_request?.base?.ref ?? '';
    trigger = {
      type: 'github',
      event,
      repository,
      ref: payload.pull_request?.head?.ref,
      sha: payload.pull_request?.head?.sha,
    };
  }
  if (delivery.deliveryId) trigger.deliveryId = delivery.deliveryId.slice(0, 100);
  if (payload.sender?.login) trigger.sender = payload.sender.login;
  const RUNS = typeByKey(RESOURCES.runs);
  for (const { pipeline: p, github } of verified) {
    if (github.events?.length && !github.events.includes(event)) continue;
    if (github.branches?.length && !github.branches.includes(branch)) continue;
    const run: Omit<PipelineRun, 'metadata'> & { metadata: Partial<PipelineRun['metadata']> } = {
      apiVersion: API_VERSION,
      kind: 'PipelineRun',
      metadata: { generateName: `${p.metadata.name.slice(0, 40)}-`, labels: { [LABELS.pipeline]: p.metadata.name } },
      spec: {
        pipeline: p.metadata.name,
        trigger: Object.fromEntries(Object.entries(trigger).filter(([, v]) => v !== undefined)) as RunTrigger,
      },
    };
    // A generated name can collide (409 AlreadyExists); the API's answer is to try again.
    const created = await api
      .create(RUNS, p.metadata.namespace, run)
      .catch((err: unknown) =>
        isApiError(err) && err.code === 409 ? api.create(RUNS, p.metadata.namespace, run) : Promise.reject(err),
      );
    result.runs.push({
      namespace: created.metadata.namespace ?? '',
      name: created.metadata.name,
      pipeline: p.metadata.name,
    });
  }
  if (!result.runs.length) result.ignored = `no pipeline of ${repository} runs on ${event} to ${branch}`;
  return result;
}
