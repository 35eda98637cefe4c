import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

// Test servers run server.ts bundled the way the standalone build bundles it (packages stay external): starting
// from one file instead of loading every module of lib/ through tsx's loader takes about 40 % less CPU, and the
// suite starts a hundred servers. The bundle sits at the root of the checkout because server.ts serves the Next
// build found beside it. It is rebuilt once per test run (vitest's and Playwright's global setup), so it never
// lags behind the sources.

const ROOT = join(import.meta.dirname, '..', '..');
export const SERVER_BUNDLE = join(ROOT, '.server-test.mjs');

export async function buildServerBundle(): Promise<void> {
  const result = await build({
    entryPoints: [join(ROOT, 'server.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'warning',
  });
  // Written aside and renamed: another test run may be starting a server from the previous bundle right now.
  const temporary = `${SERVER_BUNDLE}.${process.pid}`;
  writeFileSync(temporary, result.outputFiles[0].contents);
  renameSync(temporary, SERVER_BUNDLE);
}

/** How to start the server: from the bundle when a test run built it, else from the sources through tsx. */
export const serverEntry = (): string[] =>
  existsSync(SERVER_BUNDLE) ? [SERVER_BUNDLE] : ['--import', 'tsx', 'server.ts'];
