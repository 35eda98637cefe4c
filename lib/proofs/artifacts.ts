import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The circuit artifacts under public/zk (built by `npm run circuits:build`
// and committed): each is checked against manifest.json at start-up, so a
// corrupted or swapped file is named instead of producing bad proofs.

// placement and placement_batch are version 1: no longer proved with, kept so stored proofs still verify.
export const CIRCUITS = [
  'placement',
  'placement_batch',
  'placement_v2',
  'placement_batch_v2',
  'merkle_inclusion',
  'certified_custody',
  'voting',
] as const;
export type CircuitName = (typeof CIRCUITS)[number];

export interface VerificationKey {
  protocol: string;
  curve: string;
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
  [key: string]: unknown;
}

export interface CircuitArtifacts {
  name: CircuitName;
  wasmPath: string;
  zkeyPath: string;
  vkey: VerificationKey;
  /** sha256 of the vkey file: names the key a proof was made for. */
  vkeyId: string;
  publicSignals: number;
  constraints: number;
}

interface ManifestEntry {
  constraints: number;
  publicSignals: number;
  r1cs: string;
  wasm: { file: string; sha256: string };
  zkey: { file: string; sha256: string };
  vkey: { file: string; sha256: string };
}

export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactError';
  }
}

/**
 * public/zk of this checkout, or of a standalone build, whose bundled server sits beside its public/
 * (scripts/build-standalone.mjs). Resolved when called: route bundles never load artifacts.
 */
export const defaultZkDir = () => {
  const bundled = join(import.meta.dirname, 'public', 'zk');
  return existsSync(bundled) ? bundled : join(import.meta.dirname, '..', '..', 'public', 'zk');
};

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Loads and checks every circuit's artifacts; throws ArtifactError naming the first bad file. */
export function loadArtifacts(dir = defaultZkDir()): Record<CircuitName, CircuitArtifacts> {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath))
    throw new ArtifactError(`${manifestPath} is missing: restore public/zk from git or run \`npm run circuits:build\``);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { circuits: Record<string, ManifestEntry> };
  const out = {} as Record<CircuitName, CircuitArtifacts>;
  for (const name of CIRCUITS) {
    const entry = manifest.circuits[name];
    if (!entry)
      throw new ArtifactError(`${manifestPath} has no entry for circuit ${name}: run \`npm run circuits:build\``);
    for (const part of [entry.wasm, entry.zkey, entry.vkey]) {
      const path = join(dir, part.file);
      if (!existsSync(path))
        throw new ArtifactError(`${path} is missing: restore public/zk from git or run \`npm run circuits:build\``);
      const actual = sha256(path);
      if (actual !== part.sha256) {
        throw new ArtifactError(
          `${path} does not match its checksum in manifest.json (expected ${part.sha256.slice(0, 16)}…, found ${actual.slice(0, 16)}…): ` +
            'the file is corrupted or was replaced; restore it from git or rebuild with `npm run circuits:build`',
        );
      }
    }
    const vkey = JSON.parse(readFileSync(join(dir, entry.vkey.file), 'utf8')) as VerificationKey;
    out[name] = {
      name,
      wasmPath: join(dir, entry.wasm.file),
      zkeyPath: join(dir, entry.zkey.file),
      vkey,
      vkeyId: entry.vkey.sha256,
      publicSignals: entry.publicSignals,
      constraints: entry.constraints,
    };
  }
  return out;
}
