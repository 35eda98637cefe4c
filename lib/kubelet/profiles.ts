// Node profiles: the shapes of simulated nodes a fleet is made of.

export interface NodeShape {
  instanceType: string;
  cpu: string;
  memory: string;
  pods: string;
  ephemeralStorage: string;
}

const SHAPES: NodeShape[] = [
  { instanceType: 'e2-small', cpu: '2', memory: '4Gi', pods: '110', ephemeralStorage: '50Gi' },
  { instanceType: 'e2-standard-4', cpu: '4', memory: '16Gi', pods: '110', ephemeralStorage: '100Gi' },
  { instanceType: 'e2-standard-8', cpu: '8', memory: '32Gi', pods: '110', ephemeralStorage: '100Gi' },
];

export const ZONES = ['zone-a', 'zone-b', 'zone-c'];

const EDGE: NodeShape = { instanceType: 'edge-small', cpu: '1', memory: '2Gi', pods: '30', ephemeralStorage: '16Gi' };
const LARGE: NodeShape = {
  instanceType: 'm-large-32',
  cpu: '32',
  memory: '128Gi',
  pods: '250',
  ephemeralStorage: '500Gi',
};

export interface NodeSpec {
  name: string;
  shape: NodeShape;
  zone: string;
  index: number;
  taints?: { key: string; value?: string; effect: string }[];
  /** Labels beyond the standard ones (an agent's executors: executor.entroos.io/NAME). */
  labels?: Record<string, string>;
}

/** The default "mixed" profile: sizes and zones round-robin, deterministic by index. */
export function mixedFleet(count: number, prefix = 'entroos-node'): NodeSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i + 1}`,
    shape: SHAPES[i % SHAPES.length],
    zone: ZONES[i % ZONES.length],
    index: i,
  }));
}

/** Pod CIDR of the i-th node: 10.128.0.0/9 split into /24s (clear of the 10.96.0.0/16 service range). */
export function podCidr(index: number): { base: string; cidr: string } {
  const hi = 128 + ((index >> 8) & 127);
  const mid = index & 255;
  return { base: `10.${hi}.${mid}`, cidr: `10.${hi}.${mid}.0/24` };
}

export const nodeIp = (index: number) => `172.16.${(index >> 8) & 255}.${(index & 255) + 1}`;

/** Index offset for a fleet's pod CIDRs, derived from its name prefix so agents rarely overlap. */
function offsetFor(prefix: string): number {
  let h = 0;
  for (const ch of prefix) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 1024 + (h % 14_000);
}

export const PROFILES: Record<string, (count: number, prefix: string) => NodeSpec[]> = {
  mixed: (count, prefix) => mixedFleet(count, prefix).map((n) => ({ ...n, index: n.index + offsetFor(prefix) })),
  edge: (count, prefix) =>
    Array.from({ length: count }, (_, i) => ({
      name: `${prefix}-${i + 1}`,
      shape: EDGE,
      zone: `edge-${i % 2}`,
      index: offsetFor(prefix) + i,
    })),
  large: (count, prefix) =>
    Array.from({ length: count }, (_, i) => ({
      name: `${prefix}-${i + 1}`,
      shape: LARGE,
      zone: ZONES[i % ZONES.length],
      index: offsetFor(prefix) + i,
    })),
};

export function fleetFor(profile: string, count: number, prefix: string): NodeSpec[] {
  const make = PROFILES[profile];
  if (!make) throw new Error(`unknown node profile "${profile}" (known: ${Object.keys(PROFILES).join(', ')})`);
  return make(count, prefix);
}
