'use client';

import { useMutation } from '@tanstack/react-query';
import { feedback } from './feedback.ts';
import { apiFetch } from './api.ts';
import { createTarget } from './create-any.ts';

// Deployment writes from the dashboard. The lists update through the socket.

const path = (namespace: string, name?: string) =>
  `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments${name ? `/${encodeURIComponent(name)}` : ''}`;

export type WorkloadKind = 'Deployment' | 'Pod';

export interface Toleration {
  key?: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect?: string;
}

export interface DeploymentInput {
  kind?: WorkloadKind;
  name: string;
  namespace: string;
  image: string;
  replicas: number;
  command?: string[];
  requests: { cpu?: string; memory?: string };
  limits: { cpu?: string; memory?: string };
  labels: Record<string, string>;
  annotations: Record<string, string>;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  priorityClassName?: string;
}

/** `k=v,k2=v2` → a map, or what is wrong with it. */
export function parsePairs(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.indexOf('=');
    if (at <= 0) return `"${part}" is not key=value`;
    out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/**
 * Tolerations, one per line as kubectl writes taints: `key=value:Effect`,
 * `key:Effect` (any value), `key=value` (every effect) or `*` (everything).
 */
export function parseTolerations(text: string): Toleration[] | string {
  const out: Toleration[] = [];
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    if (line === '*') {
      out.push({ operator: 'Exists' });
      continue;
    }
    const m = /^([A-Za-z0-9._/-]+)(?:=([A-Za-z0-9._-]*))?(?::([A-Za-z]+))?$/.exec(line);
    if (!m) return `"${line}" is not key=value:Effect, key:Effect or *`;
    if (m[3] && !EFFECTS.includes(m[3])) return `"${m[3]}" is not an effect (${EFFECTS.join(', ')})`;
    out.push({
      key: m[1],
      operator: m[2] === undefined ? 'Exists' : 'Equal',
      ...(m[2] !== undefined ? { value: m[2] } : {}),
      ...(m[3] ? { effect: m[3] } : {}),
    });
  }
  return out;
}

const compact = (o: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v)) as Record<string, string>;

/** The Deployment (or Pod) object the form describes (the API validates and defaults it). */
export function deploymentObject(input: DeploymentInput) {
  const labels = { app: input.name, ...input.labels };
  const resources: Record<string, Record<string, string>> = {};
  if (Object.keys(compact(input.requests)).length) resources.requests = compact(input.requests);
  if (Object.keys(compact(input.limits)).length) resources.limits = compact(input.limits);
  const podSpec = {
    containers: [
      { name: input.name, image: input.image, ...(input.command?.length ? { command: input.command } : {}), resources },
    ],
    ...(input.nodeSelector && Object.keys(input.nodeSelector).length ? { nodeSelector: input.nodeSelector } : {}),
    ...(input.tolerations?.length ? { tolerations: input.tolerations } : {}),
    ...(input.priorityClassName ? { priorityClassName: input.priorityClassName } : {}),
  };
  const annotations = Object.keys(input.annotations).length ? { annotations: input.annotations } : {};
  if (input.kind === 'Pod')
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: input.name, namespace: input.namespace, labels, ...annotations },
      spec: podSpec,
    };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: input.name, namespace: input.namespace, labels },
    spec: {
      replicas: input.replicas,
      selector: { matchLabels: { app: input.name } },
      template: {
        metadata: { labels, ...annotations },
        spec: podSpec,
      },
    },
  };
}

/** Where an object of this kind is created. */
export function createPath(object: { kind?: unknown; metadata?: { namespace?: unknown } }): string | undefined {
  const namespace = encodeURIComponent(
    typeof object.metadata?.namespace === 'string' && object.metadata.namespace ? object.metadata.namespace : 'default',
  );
  if (object.kind === 'Deployment') return `/apis/apps/v1/namespaces/${namespace}/deployments`;
  if (object.kind === 'Pod') return `/api/v1/namespaces/${namespace}/pods`;
  return undefined;
}

/** What the create form and the YAML editor send: a Deployment or Pod manifest (the API server checks the rest). */
export type Manifest = { kind: string; metadata: { name?: string; namespace?: string } };

/** Creates a Deployment or Pod from its manifest (the form's or the YAML editor's). */
export function useCreateWorkloadMutation() {
  return useMutation({
    meta: feedback({
      success: (_d, o: Manifest) =>
        `Created ${o.kind.toLowerCase()} ${o.metadata.namespace ?? 'default'}/${o.metadata.name}.`,
    }),
    mutationFn: async (object: Manifest) => {
      // Deployments and Pods have their paths at hand; any other kind is looked up in discovery. Strict: a
      // misspelt field is refused with its name rather than dropped.
      const path = createPath(object);
      const target = path ? `${path}?fieldValidation=Strict` : (await createTarget(object)).path;
      return apiFetch(target, { method: 'POST', body: object });
    },
  });
}

export function useScaleDeploymentMutation() {
  return useMutation({
    meta: feedback({
      action: 'Scaling',
      success: (_d, v: { namespace: string; name: string; replicas: number }) =>
        `Scaled ${v.namespace}/${v.name} to ${v.replicas}.`,
    }),
    mutationFn: ({ namespace, name, replicas }: { namespace: string; name: string; replicas: number }) =>
      apiFetch(path(namespace, name), {
        method: 'PATCH',
        body: { spec: { replicas } },
        contentType: 'application/merge-patch+json',
      }),
  });
}

/**
 * Edits a deployment's first container image (a rollout) and its own labels
 * in one JSON patch; the API validates both.
 */
export function useEditDeploymentMutation() {
  return useMutation({
    meta: feedback({
      action: 'Editing',
      success: (_d, v: { namespace: string; name: string }) => `Updated ${v.namespace}/${v.name}.`,
    }),
    mutationFn: ({
      namespace,
      name,
      image,
      labels,
    }: {
      namespace: string;
      name: string;
      image: string;
      labels: Record<string, string>;
    }) =>
      apiFetch(path(namespace, name), {
        method: 'PATCH',
        body: [
          { op: 'replace', path: '/spec/template/spec/containers/0/image', value: image },
          { op: 'add', path: '/metadata/labels', value: labels },
        ],
        contentType: 'application/json-patch+json',
      }),
  });
}

export function useDeleteDeploymentMutation() {
  return useMutation({
    meta: feedback({
      action: 'Deleting',
      success: (_d, v: { namespace: string; name: string }) => `Deleting ${v.namespace}/${v.name} and its pods.`,
    }),
    mutationFn: ({ namespace, name }: { namespace: string; name: string }) =>
      apiFetch(`${path(namespace, name)}?propagationPolicy=Foreground`, { method: 'DELETE' }),
  });
}
