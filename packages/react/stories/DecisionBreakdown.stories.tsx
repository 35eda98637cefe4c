import type { Meta, StoryObj } from '@storybook/react-vite';
import { DecisionBreakdown, EntroosProvider } from '../src/index.ts';
import { fixtureClient } from './fixture-client.ts';
import { fixtureDecision, unschedulableDecision } from './fixtures.ts';

const meta = {
  title: 'Components/DecisionBreakdown',
  component: DecisionBreakdown,
  parameters: {
    docs: {
      description: {
        component:
          "Why a pod went where it went: per-plugin scores of each feasible node (normalised × weight), the nodes filtered out with the plugin and reason, and the cluster's entropy before and after. Give `decision`, or `pod` to fetch it (useDecision).",
      },
    },
  },
} satisfies Meta<typeof DecisionBreakdown>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Scheduled: Story = { args: { decision: fixtureDecision(12) } };
export const ManyNodes: Story = { args: { decision: fixtureDecision(60), limit: 5 } };
export const Unschedulable: Story = { args: { decision: unschedulableDecision } };

const client = fixtureClient({ responses: { '/apis/entroos.io/v1/scheduler/decisions': fixtureDecision(8) } });
export const FetchedByPod: Story = {
  args: { pod: 'shop/checkout-7d9f' },
  render: (args) => (
    <EntroosProvider transport="http" client={client}>
      <DecisionBreakdown {...args} />
    </EntroosProvider>
  ),
};
