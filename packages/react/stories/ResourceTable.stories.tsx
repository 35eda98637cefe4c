import type { Meta, StoryObj } from '@storybook/react-vite';
import type { KubeObject, Pod } from '@entroos/client';
import { EntroosProvider, ResourceTable, StatusBadge, type Column } from '../src/index.ts';
import { fixtureClient } from './fixture-client.ts';
import { fixturePods } from './fixtures.ts';

const pods = fixturePods(10_000);

const meta = {
  title: 'Components/ResourceTable',
  component: ResourceTable,
  parameters: {
    docs: {
      description: {
        component:
          'A virtualised table (@tanstack/react-virtual): only the rows in view are rendered, so 10,000 rows scroll like 20. Give `items`, or `resource` (with namespace and selectors) for a live list from the provider.',
      },
    },
  },
} satisfies Meta<typeof ResourceTable>;
export default meta;
type Story = StoryObj<typeof meta>;

// The data stays out of the story's args: the docs page would otherwise print 10,000 objects as its source.
export const TenThousandPods: Story = { render: () => <ResourceTable items={pods} label="Pods" /> };

const columns: Column<Pod>[] = [
  { id: 'name', header: 'Pod', cell: (p) => p.metadata?.name, sortValue: (p) => p.metadata?.name ?? '', width: '2fr' },
  { id: 'node', header: 'Node', cell: (p) => p.spec?.nodeName, sortValue: (p) => p.spec?.nodeName ?? '' },
  { id: 'image', header: 'Image', cell: (p) => p.spec?.containers[0]?.image },
  { id: 'status', header: 'Status', cell: (p) => <StatusBadge object={p as KubeObject} /> },
];

export const CustomColumns: Story = {
  render: () => <ResourceTable<Pod> items={pods.slice(0, 500)} columns={columns} label="Pods by node" height={300} />,
};

export const Empty: Story = { args: { items: [], label: 'Pods', empty: 'No pods in this namespace.' } };

// A live list: the fixture client's watch adds a pod and changes another every 700 ms.
let counter = 0;
const liveClient = fixtureClient({
  lists: {
    '/api/v1/namespaces/default/pods': fixturePods(30).map((p) => ({
      ...p,
      metadata: { ...p.metadata, namespace: 'default' },
    })),
  },
  live: (_path, push) => {
    const timer = setInterval(() => {
      const [pod] = fixturePods(1, ++counter);
      push({
        type: 'ADDED',
        object: {
          ...pod,
          metadata: { ...pod.metadata, namespace: 'default', name: `live-${counter}`, uid: `live-${counter}` },
        },
      });
    }, 700);
    return () => clearInterval(timer);
  },
});

export const Live: Story = {
  render: () => (
    <EntroosProvider transport="http" client={liveClient}>
      <ResourceTable resource="pods" namespace="default" label="Live pods" height={300} />
    </EntroosProvider>
  ),
};
