import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/server.ts';

// The built `entroos` CLI and @entroos/client for the compat tests: built once here when missing or older than
// their sources (npm test builds them first; a fresh checkout running one test file still works).

export const CLI = join(ROOT, 'packages/cli/bin/entroos.mjs');

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

export function ensurePackagesBuilt(): void {
  const built = (pkg: string, file: string) => {
    const out = join(ROOT, 'packages', pkg, 'dist', file);
    return existsSync(out) && statSync(out).mtimeMs >= newest(join(ROOT, 'packages', pkg, 'src'));
  };
  const clientSrc = newest(join(ROOT, 'packages/client/src'));
  const cliOut = join(ROOT, 'packages/cli/dist/cli.js');
  const cliCurrent = built('cli', 'cli.js') && statSync(cliOut).mtimeMs >= clientSrc;
  if (built('client', 'index.js') && cliCurrent) return;
  const result = spawnSync('npm', ['run', '-s', 'build:packages'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build:packages failed:\n${result.stdout}\n${result.stderr}`);
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as users do (node, the prebuilt bundle) with the given environment. */
export function entroos(env: Record<string, string>, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** A table as cells (columns are at least three spaces apart), with the AGE column blanked: ages move between runs. */
export function cells(table: string): string[][] {
  const rows = table
    .trimEnd()
    .split('\n')
    .map((l) => l.trimEnd().split(/ {3,}/));
  const age = rows[0]?.indexOf('AGE') ?? -1;
  if (age >= 0) for (const row of rows.slice(1)) row[age] = '*';
  return rows;
}
