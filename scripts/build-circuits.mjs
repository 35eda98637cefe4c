// npm run circuits:build — compiles the circuits in circuits/ with circom2 (the
// WASM build of circom), runs a local powers-of-tau ceremony and a Groth16
// phase 2 per circuit with snarkjs, and writes the artifacts the prover, the
// verifiers and the browser use to public/zk/, with a manifest of sha256 sums.
//
// This is a DEVELOPMENT setup: one party (this machine) made every
// contribution, so whoever ran it could forge proofs. docs/proofs.md explains
// how to run a multi-party ceremony or import a published ptau for production.
//
// `node scripts/build-circuits.mjs NAME …` builds only the named circuits with a fresh powers of tau (recorded in
// their manifest entries) and leaves every other circuit's artifacts and manifest entry as they are: their keys, and
// so the proofs stored or tested against them, stay valid.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as snarkjs from 'snarkjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = join(root, 'circuits', 'build');
const out = join(root, 'public', 'zk');
// 2^14 constraints: the largest circuit (placement_batch, K = 16) has 10,336.
const POWER = Number(process.env.PTAU_POWER ?? 14);
// placement and placement_batch are version 1, kept so stored proofs still verify; new placements are proved with
// placement_v2 and placement_batch_v2 (docs/proofs.md).
const ALL = [
  'placement',
  'placement_batch',
  'placement_v2',
  'placement_batch_v2',
  'merkle_inclusion',
  'voting',
  'certified_custody',
];
const named = process.argv.slice(2);
for (const name of named) if (!ALL.includes(name)) throw new Error(`unknown circuit ${name}; one of ${ALL.join(', ')}`);
const CIRCUITS = named.length ? named : ALL;
const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const step = (what) => console.log(`circuits: ${what}`);

rmSync(build, { recursive: true, force: true });
mkdirSync(build, { recursive: true });
mkdirSync(out, { recursive: true });

const compiled = {};
for (const name of CIRCUITS) {
  step(`compiling ${name}.circom`);
  const log = execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/circom2/cli.js'),
      join(root, 'circuits', `${name}.circom`),
      '--r1cs',
      '--wasm',
      '--O2',
      '-o',
      build,
    ],
    { encoding: 'utf8' },
  );
  const constraints =
    Number(/non-linear constraints: (\d+)/.exec(log)?.[1] ?? 0) +
    Number(/(?<!non-)linear constraints: (\d+)/.exec(log)?.[1] ?? 0);
  compiled[name] = { constraints };
}

const curve = await snarkjs.curves.getCurveFromName('bn128');
const ptau0 = join(build, 'pot_0000.ptau');
const ptau1 = join(build, 'pot_0001.ptau');
const ptau = join(build, 'pot_final.ptau');
step(`powers of tau 2^${POWER}: new accumulator`);
await snarkjs.powersOfTau.newAccumulator(curve, POWER, ptau0);
step('powers of tau: contribution');
await snarkjs.powersOfTau.contribute(ptau0, ptau1, 'EntroOS development contribution', randomBytes(64).toString('hex'));
step('powers of tau: preparing phase 2');
await snarkjs.powersOfTau.preparePhase2(ptau1, ptau);

const previous = named.length ? JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) : undefined;
const manifest = previous ?? {
  note: 'Development ceremony (single party). Do not rely on these keys in production; see docs/proofs.md.',
  createdAt: new Date().toISOString(),
  curve: 'bn128',
  ptau: { power: POWER, sha256: sha256(ptau) },
  circuits: {},
};
for (const name of CIRCUITS) {
  const r1cs = join(build, `${name}.r1cs`);
  const zkey0 = join(build, `${name}_0000.zkey`);
  const zkey = join(out, `${name}.zkey`);
  step(`${name}: phase 2 setup and contribution`);
  await snarkjs.zKey.newZKey(r1cs, ptau, zkey0);
  await snarkjs.zKey.contribute(zkey0, zkey, 'EntroOS development phase 2', randomBytes(64).toString('hex'));
  const vkey = await snarkjs.zKey.exportVerificationKey(zkey);
  writeFileSync(join(out, `${name}.vkey.json`), JSON.stringify(vkey, null, 1));
  copyFileSync(join(build, `${name}_js`, `${name}.wasm`), join(out, `${name}.wasm`));
  manifest.circuits[name] = {
    constraints: compiled[name].constraints,
    publicSignals: vkey.nPublic,
    r1cs: sha256(r1cs),
    wasm: { file: `${name}.wasm`, sha256: sha256(join(out, `${name}.wasm`)) },
    zkey: { file: `${name}.zkey`, sha256: sha256(zkey) },
    vkey: { file: `${name}.vkey.json`, sha256: sha256(join(out, `${name}.vkey.json`)) },
    ...(previous ? { ptau: { power: POWER, sha256: sha256(ptau), createdAt: new Date().toISOString() } } : {}),
  };
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
await curve.terminate();
step(`done: artifacts and manifest in ${out}`);
process.exit(0);
