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

export interface NodeSpec {
  name: string;
  shape: NodeShape;
  zone: string;
  index: number;
  taints?: { key: string; value?: string; effect: string }[];
}

/** The default "mixed" profile: sizes and zones round-robin, deterministic by index. */
export function mixedFleet(count: number, prefix = 'entroos-node'): NodeSpec[] {
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}-${i + 1}`, shape: SHAPES[i % SHAPES.length], zone: ZONES[i % ZONES.length], index: i }));
}

/** Pod CIDR of the i-th node: 10.64.0.0/10 split into /24s. */
export function podCidr(index: number): { base: string; cidr: string } {
  const hi = 64 + (index >> 8);
  const mid = index & 255;
  return { base: `10.${hi}.${mid}`, cidr: `10.${hi}.${mid}.0/24` };
}

export const nodeIp = (index: number) => `172.16.${(index >> 8) & 255}.${(index & 255) + 1}`;
