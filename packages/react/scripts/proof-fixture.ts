// Writes stories/proof.fixture.json: a real Groth16 proof of the placement circuit (public/zk), for ProofBadge's
// stories, which verify it in the browser with the same verification key. Run again when the circuit's keys change:
//   npx tsx packages/react/scripts/proof-fixture.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as snarkjs from 'snarkjs';
import { bindingIdFor, placementWitness } from '../../../lib/proofs/placement.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const zk = join(root, 'public/zk');
const manifest = JSON.parse(readFileSync(join(zk, 'manifest.json'), 'utf8')) as {
  circuits: { placement: { vkey: { sha256: string } } };
};
const witness = placementWitness(
  { cpu: 250, memory: 256 * 2 ** 20, freeCpu: 3750, freeMemory: 8 * 2 ** 30, freePods: 100 },
  bindingIdFor('pod-uid-checkout', 'node-007', '2026-12-01T08:00:00Z'),
  123456789n,
);
const { proof, publicSignals } = await snarkjs.groth16.fullProve(
  { ...witness },
  join(zk, 'placement.wasm'),
  join(zk, 'placement.zkey'),
);
const out = { circuit: 'placement', vkeyId: manifest.circuits.placement.vkey.sha256, proof, publicSignals };
writeFileSync(join(root, 'packages/react/stories/proof.fixture.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log('wrote packages/react/stories/proof.fixture.json');
process.exit(0);
