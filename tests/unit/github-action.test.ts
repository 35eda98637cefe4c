import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseParams } from '../../packages/action/src/params.ts';

// The GitHub Action runs the committed bundle: it must be what its sources build to today.

const ROOT = join(import.meta.dirname, '..', '..');

describe('the GitHub Action', () => {
  it('has a committed bundle that its sources build to (run node packages/action/build.mjs after a change)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'entroos-action-'));
    try {
      const fresh = join(dir, 'index.mjs');
      const built = spawnSync(process.execPath, [join(ROOT, 'packages/action/build.mjs'), fresh], { encoding: 'utf8' });
      expect(built.status, built.stderr).toBe(0);
      expect(readFileSync(fresh, 'utf8')).toBe(readFileSync(join(ROOT, 'packages/action/dist/index.mjs'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads its params one NAME=VALUE per line and names a bad line', () => {
    expect(parseParams('target=prod\n\n version = 1.2=rc \n')).toEqual({ target: 'prod', version: '1.2=rc' });
    expect(() => parseParams('nope')).toThrow('params: "nope" is not NAME=VALUE');
  });
});
