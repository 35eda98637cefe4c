import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArtifactError, defaultZkDir, type VerificationKey } from '../../proofs/artifacts.ts';

// The voting circuit's verification key from public/zk, checked against the manifest (the platform checks every
// circuit at start; this reads just the one the app verifies votes with).

export interface VotingKey {
  vkey: VerificationKey;
  /** sha256 of the key file, as the manifest names it. */
  vkeyId: string;
}

let cached: VotingKey | undefined;

export function votingKey(dir = defaultZkDir()): VotingKey {
  if (cached) return cached;
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    circuits: Record<string, { vkey: { file: string; sha256: string } } | undefined>;
  };
  const entry = manifest.circuits.voting;
  if (!entry)
    throw new ArtifactError('public/zk/manifest.json has no voting circuit: run `npm run circuits:build voting`');
  const raw = readFileSync(join(dir, entry.vkey.file));
  if (createHash('sha256').update(raw).digest('hex') !== entry.vkey.sha256)
    throw new ArtifactError(`${entry.vkey.file} does not match its checksum in manifest.json`);
  cached = { vkey: JSON.parse(raw.toString('utf8')) as VerificationKey, vkeyId: entry.vkey.sha256 };
  return cached;
}
