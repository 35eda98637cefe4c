import type { Logger } from 'pino';
import { timestamp } from '../apimachinery/meta.ts';
import type { NodeCondition } from '../apimachinery/generated/kinds.ts';
import type { NodeBackend, NodeRegistration } from './backend.ts';
import { nodeIp, podCidr, type NodeSpec } from './profiles.ts';
import type { SimNode } from './sim-model.ts';
import { TimerWheel } from './timer-wheel.ts';

// A node's standing with the API, as the kubelet keeps it: it registers its
// Node once, then renews its Lease in kube-node-lease; the node controller
// reads a lapsed lease as a dead node and taints it.

const VERSION = 'v1.32.0-entroos';

/** The i-th node of a fleet, not yet registered. */
export function simNode(spec: NodeSpec, i: number, now: number, leaseSeconds: number): SimNode {
  return {
    spec,
    cidr: podCidr(spec.index),
    usedIps: new Set(),
    layers: new Set(),
    pods: new Map(),
    // Stagger renewals so a big fleet does not write all leases at once.
    nextLeaseAt: now + ((i * 997) % (leaseSeconds * 1000)),
    heartbeats: true,
    partitioned: false,
  };
}

export function nodeConditions(now: string): NodeCondition[] {
  const ok = (type: string, reason: string, message: string) => ({
    type,
    status: 'False',
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  return [
    ok('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    ok('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    ok('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    {
      type: 'Ready',
      status: 'True',
      reason: 'KubeletReady',
      message: 'kubelet is posting ready status',
      lastHeartbeatTime: now,
      lastTransitionTime: now,
    },
  ];
}

function registration(node: SimNode): NodeRegistration {
  const { spec } = node;
  const capacity = {
    cpu: spec.shape.cpu,
    memory: spec.shape.memory,
    pods: spec.shape.pods,
    'ephemeral-storage': spec.shape.ephemeralStorage,
  };
  return {
    metadata: {
      name: spec.name,
      labels: {
        'kubernetes.io/hostname': spec.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': spec.zone,
        'node.kubernetes.io/instance-type': spec.shape.instanceType,
        'entroos.io/simulated': 'true',
        ...spec.labels,
      },
    },
    spec: {
      podCIDR: node.cidr.cidr,
      podCIDRs: [node.cidr.cidr],
      ...(spec.taints?.length ? { taints: spec.taints } : {}),
    },
    status: {
      capacity,
      allocatable: capacity,
      conditions: nodeConditions(timestamp()),
      addresses: [
        { type: 'InternalIP', address: nodeIp(spec.index) },
        { type: 'Hostname', address: spec.name },
      ],
      nodeInfo: {
        kubeletVersion: VERSION,
        kubeProxyVersion: VERSION,
        containerRuntimeVersion: 'mock-docker://1.0.0',
        osImage: 'EntroOS simulated node',
        kernelVersion: '6.1.0-entroos',
        operatingSystem: 'linux',
        architecture: 'amd64',
        machineID: spec.name,
        systemUUID: spec.name,
        bootID: spec.name,
      },
    },
  };
}

export async function registerNode(backend: NodeBackend, node: SimNode) {
  await backend.upsertNode(registration(node));
  await renewLease(backend, node);
}

async function renewLease(backend: NodeBackend, node: SimNode) {
  const name = node.spec.name;
  // Lease times are MicroTime: microseconds, which a millisecond clock pads with zeros.
  await backend.renewLease(name, new Date().toISOString().replace('Z', '000Z'));
  // Back after an outage: report Ready again (the node controller lifts its taints).
  const current = await backend.getNode(name);
  const ready = current?.status?.conditions?.find((c) => c.type === 'Ready');
  if (current && ready?.status !== 'True') {
    await backend.setNodeStatus(name, { ...current.status, conditions: nodeConditions(timestamp()) });
  }
}

/**
 * When each node's lease comes due. A fleet ticks every 20 ms: a pass over 10,000 nodes at each tick to find the
 * few due was most of an idle fleet's cost, so each node waits in the wheel slot of its nextLeaseAt instead. Whoever
 * sets a node's nextLeaseAt files it here (`due`); a node taken from an older slot than its nextLeaseAt is already
 * filed under the right one, and a node without heartbeats drops out until they resume.
 */
export class LeaseSchedule {
  private wheel = new TimerWheel();

  constructor(private nodes: ReadonlyMap<string, SimNode>) {}

  /** Files the node under its nextLeaseAt (0: the next tick). */
  due(node: SimNode) {
    this.wheel.schedule(node.spec.name, [node.nextLeaseAt]);
  }

  /** Renews every lease that is due; the renewals go out together (one group commit), not one after another. */
  renewDue(now: number, leaseSeconds: number, backend: NodeBackend, log: Logger): Promise<void>[] {
    const renewals: Promise<void>[] = [];
    for (const name of this.wheel.takeDue(now)) {
      const node = this.nodes.get(name);
      if (!node?.heartbeats || now < node.nextLeaseAt) continue;
      node.nextLeaseAt = now + leaseSeconds * 1000;
      this.due(node);
      const failed = (err: unknown) => log.warn({ err, node: node.spec.name }, 'lease renewal failed');
      renewals.push(renewLease(backend, node).catch(failed));
    }
    return renewals;
  }
}
