'use client';

import { useMutation } from '@tanstack/react-query';
import { ApiClientError, apiFetch } from './api.ts';
import { feedback } from './feedback.ts';

// Node actions. Results arrive through the live lists (the socket), so these
// mutations invalidate nothing.

const nodePath = (name: string) => `/api/v1/nodes/${encodeURIComponent(name)}`;

export function useCordonMutation(name: string) {
  return useMutation({
    meta: feedback({
      action: `Cordoning ${name}`,
      success: (_d, unschedulable: boolean) =>
        unschedulable ? `Cordoned ${name}: no new pods land on it.` : `Uncordoned ${name}.`,
    }),
    mutationFn: (unschedulable: boolean) =>
      apiFetch(nodePath(name), {
        method: 'PATCH',
        body: { spec: { unschedulable } },
        contentType: 'application/merge-patch+json',
      }),
  });
}

/** kubectl drain: cordon, then evict every pod bound to the node (evictions respect graceful termination). */
export function useDrainMutation(name: string) {
  return useMutation({
    meta: feedback({
      action: `Draining ${name}`,
      success: (d: { evicted: number }) => `Drained ${name}: ${d.evicted} pod(s) evicted.`,
    }),
    mutationFn: async () => {
      await apiFetch(nodePath(name), {
        method: 'PATCH',
        body: { spec: { unschedulable: true } },
        contentType: 'application/merge-patch+json',
      });
      const pods = await apiFetch<{ items: { metadata: { name: string; namespace: string } }[] }>(
        `/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${name}`)}`,
      );
      let evicted = 0;
      for (const p of pods.items) {
        try {
          await apiFetch(
            `/api/v1/namespaces/${encodeURIComponent(p.metadata.namespace)}/pods/${encodeURIComponent(p.metadata.name)}/eviction`,
            {
              method: 'POST',
              body: {
                apiVersion: 'policy/v1',
                kind: 'Eviction',
                metadata: { name: p.metadata.name, namespace: p.metadata.namespace },
              },
            },
          );
        } catch (err) {
          // A PodDisruptionBudget refuses the eviction (429): stop there and say which budget, as kubectl drain does.
          if (err instanceof ApiClientError && err.code === 429) {
            const budget = err.status?.details?.causes?.[0]?.message ?? err.message;
            throw new Error(`Evicted ${evicted} pod(s), then stopped at ${p.metadata.name}: ${budget}`);
          }
          throw err;
        }
        evicted++;
      }
      return { evicted };
    },
  });
}

export type NodeFault = 'stop-heartbeats' | 'restore' | 'partition' | 'heal';

export function useNodeFaultMutation(name: string) {
  return useMutation({
    meta: feedback({ action: `Fault on ${name}`, success: (_d, action: NodeFault) => `${name}: ${action} done.` }),
    mutationFn: (action: NodeFault) =>
      apiFetch(`/apis/entroos.io/v1/nodes/${encodeURIComponent(name)}/faults`, { method: 'POST', body: { action } }),
  });
}
