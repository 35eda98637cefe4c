import type { Meta, StoryObj } from '@storybook/react-vite';
import { EntroosProvider, ProofBadge, snarkjsVerifier } from '../src/index.ts';
import placementVkey from '../../../public/zk/placement.vkey.json';
import { fixtureClient } from './fixture-client.ts';
import proof from './proof.fixture.json';

const meta = {
  title: 'Components/ProofBadge',
  component: ProofBadge,
  parameters: {
    docs: {
      description: {
        component:
          "A placement proof checked in this browser with snarkjs and the circuit's public verification key (the server only supplies data). The fixture is a real Groth16 proof of the placement circuit.",
      },
    },
  },
} satisfies Meta<typeof ProofBadge>;
export default meta;
type Story = StoryObj<typeof meta>;

export const NotVerifiedYet: Story = { args: { proof } };
export const Valid: Story = { args: { proof, auto: true } };

// The same proof with one public signal changed (another pod's commitment): the pairing check fails.
const tampered = { ...proof, publicSignals: proof.publicSignals.map((s, i) => (i === 0 ? String(BigInt(s) + 1n) : s)) };
export const Tampered: Story = { args: { proof: tampered, auto: true } };

// By id: the proof is fetched through the client (here a fixture answering GET /apis/entroos.io/v1/proofs/{id}).
const client = fixtureClient({ responses: { '/apis/entroos.io/v1/proofs/p-123': proof } });
const verifier = snarkjsVerifier('', { scriptUrl: 'vendor/snarkjs.min.js', vkey: async () => placementVkey });
export const ById: Story = {
  args: { proofId: 'p-123', auto: true },
  render: (args) => (
    <EntroosProvider transport="http" client={client} verifier={verifier}>
      <ProofBadge {...args} />
    </EntroosProvider>
  ),
};
