import type { Meta, StoryObj } from '@storybook/react-vite';
import { StatusBadge } from '../src/index.ts';
import { samples } from './fixtures.ts';

const meta = {
  title: 'Components/StatusBadge',
  component: StatusBadge,
  parameters: {
    docs: {
      description: {
        component:
          "An object's state in kubectl's words (Running, CrashLoopBackOff, NotReady,SchedulingDisabled…) with a tone; the tone is also a shape, not only a colour.",
      },
    },
  },
} satisfies Meta<typeof StatusBadge>;
export default meta;
type Story = StoryObj<typeof meta>;

export const FromObject: Story = { args: { object: samples.runningPod } };

export const Text: Story = { args: { status: 'Degraded', tone: 'warn' } };

export const EveryState: Story = {
  render: () => (
    <table className="eos-grid-table">
      <tbody>
        {Object.entries(samples).map(([name, object]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>
              <StatusBadge object={object} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  ),
};

export const Tones: Story = {
  render: () => (
    <div style={{ display: 'flex', gap: 8 }}>
      {(['ok', 'warn', 'error', 'info', 'neutral'] as const).map((tone) => (
        <StatusBadge key={tone} status={tone} tone={tone} />
      ))}
    </div>
  ),
};
