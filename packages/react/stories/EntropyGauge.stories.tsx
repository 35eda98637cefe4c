import type { Meta, StoryObj } from '@storybook/react-vite';
import { EntropyGauge } from '../src/index.ts';

const meta = {
  title: 'Components/EntropyGauge',
  component: EntropyGauge,
  parameters: {
    docs: {
      description: {
        component:
          "The cluster's utilisation entropy H = −Σ qᵢ ln qᵢ against its maximum ln(nodes): full when load is spread evenly, empty when it sits on one node. `before` shows the change a decision made.",
      },
    },
  },
} satisfies Meta<typeof EntropyGauge>;
export default meta;
type Story = StoryObj<typeof meta>;

export const EvenSpread: Story = { args: { value: 3.82, nodes: 48 } };
export const Packed: Story = { args: { value: 0.7, nodes: 48, label: 'Pack profile' } };
export const AfterADecision: Story = { args: { value: 2.31, before: 2.21, nodes: 12, label: 'Entropy after' } };
export const Large: Story = { args: { value: 0.5, max: 1, size: 280, label: 'Normalised entropy' } };
