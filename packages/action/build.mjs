// Builds dist/index.mjs, the one file the action runs (GitHub runs actions from the repository as they are, so the
// bundle is committed): src/main.ts with @entroos/client from its sources. tests/unit/github-action.test.ts checks
// the committed bundle is what this script makes.
import { build } from 'esbuild';
import { join } from 'node:path';

const here = import.meta.dirname;
const options = {
  entryPoints: [join(here, 'src/main.ts')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  alias: { '@entroos/client': join(here, '..', 'client', 'src', 'index.ts') },
  legalComments: 'none',
  // Paths in the bundle's comments relative to the repository, wherever the script is run from.
  absWorkingDir: join(here, '..', '..'),
  logLevel: 'warning',
};

// `node build.mjs [OUTFILE]`: the test builds into a temporary file to compare.
await build({ ...options, outfile: process.argv[2] ?? join(here, 'dist', 'index.mjs') });
