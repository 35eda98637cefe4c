import { useState } from 'react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { EntroosProvider, LiveNodeMap, NodeMap, type NodeCell } from '../src/index.ts';
import { fixtureClient } from './fixture-client.ts';
import { fixtureNodeCells, fixtureNodes, nodeMetrics } from './fixtures.ts';

const cells = fixtureNodeCells(48);

const meta = {
  title: 'Components/NodeMap',
  component: NodeMap,
  parameters: {
    docs: {
      description: {
        component:
          'Nodes as a heat-map of utilisation: one cell per node, coloured in five steps; not-ready nodes are hatched, cordoned ones outlined. `LiveNodeMap` watches the nodes and refreshes usage from metrics.k8s.io.',
      },
    },
  },
} satisfies Meta<typeof NodeMap>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Cpu: Story = { args: { nodes: cells, metric: 'cpu' } };
export const Memory: Story = { args: { nodes: cells, metric: 'memory' } };
const thousand = fixtureNodeCells(1000, 5);
// The data stays out of the story's args: the docs page would otherwise print every node as its source.
export const ThousandNodes: Story = { args: { nodes: [] }, render: () => <NodeMap nodes={thousand} cellSize={14} /> };

function Selectable() {
  const [selected, setSelected] = useState<NodeCell | null>(null);
  return (
    <>
      <NodeMap nodes={cells} onSelect={setSelected} />
      <p role="status">{selected ? `Selected ${selected.name}` : 'Click a node.'}</p>
    </>
  );
}
export const WithSelection: Story = { args: { nodes: cells }, render: () => <Selectable /> };

// Live: nodes listed and watched through the fixture client, usage refreshed every second from metrics.k8s.io.
const nodes = fixtureNodes(36);
const liveClient = fixtureClient({
  lists: { '/api/v1/nodes': nodes },
  responses: { '/apis/metrics.k8s.io/v1beta1/nodes': () => nodeMetrics(nodes) },
});
export const Live: Story = {
  args: { nodes: [] },
  render: () => (
    <EntroosProvider transport="http" client={liveClient}>
      <LiveNodeMap refreshMs={1000} />
    </EntroosProvider>
  ),
};
