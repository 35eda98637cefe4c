'use client';

import { useMutation } from '@tanstack/react-query';
import { apiFetch } from './api.ts';

// Deployment writes from the dashboard. The lists update through the socket.

const path = (namespace: string, name?: string) => `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments${name ? `/${encodeURIComponent(name)}` : ''}`;

export interface DeploymentInput {
  name: string;
  namespace: string;
  image: string;
  replicas: number;
  command?: string[];
  requests: { cpu?: string; memory?: string };
  limits: { cpu?: string; memory?: string };
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const compact = (o: Record<string, string | undefined>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v)) as Record<string, string>;

/** The Deployment object the form describes (the API validates and defaults it). */
export function deploymentObject(input: DeploymentInput) {
  const labels = { app: input.name, ...input.labels };
  const resources: Record<string, Record<string, string>> = {};
  if (Object.keys(compact(input.requests)).length) resources.requests = compact(input.requests);
  if (Object.keys(compact(input.limits)).length) resources.limits = compact(input.limits);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: input.name, namespace: input.namespace, labels },
    spec: {
      replicas: input.replicas,
      selector: { matchLabels: { app: input.name } },
      template: {
        metadata: { labels, ...(Object.keys(input.annotations).length ? { annotations: input.annotations } : {}) },
        spec: { containers: [{ name: input.name, image: input.image, ...(input.command?.length ? { command: input.command } : {}), resources }] },
      },
    },
  };
}

export function useCreateDeploymentMutation() {
  return useMutation({ mutationFn: (input: DeploymentInput) => apiFetch(path(input.namespace), { method: 'POST', body: deploymentObject(input) }) });
}

export function useScaleDeploymentMutation() {
  return useMutation({
    mutationFn: ({ namespace, name, replicas }: { namespace: string; name: string; replicas: number }) =>
      apiFetch(path(namespace, name), { method: 'PATCH', body: { spec: { replicas } }, contentType: 'application/merge-patch+json' }),
  });
}

export function useDeleteDeploymentMutation() {
  return useMutation({
    mutationFn: ({ namespace, name }: { namespace: string; name: string }) => apiFetch(`${path(namespace, name)}?propagationPolicy=Foreground`, { method: 'DELETE' }),
  });
}
