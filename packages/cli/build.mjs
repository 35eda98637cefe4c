// Builds dist/: one ESM bundle per command (esbuild, code splitting, so each command loads only its own code),
// with @entroos/client taken from its sources; then the man page (dist/entroos.1) from the command definitions.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const client = join(here, '..', 'client', 'src');
rmSync(join(here, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: { cli: join(here, 'src/cli.ts') },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: join(here, 'dist'),
  chunkNames: 'chunks/[name]-[hash]',
  alias: { '@entroos/client/node': join(client, 'node.ts'), '@entroos/client': join(client, 'index.ts') },
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'linked',
  // CommonJS dependencies (commander, cli-progress) call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __entroosRequire } from 'node:module'; const require = __entroosRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
const man = spawnSync(process.execPath, [join(here, 'bin/entroos.mjs'), 'man'], { encoding: 'utf8' });
if (man.status !== 0) {
  console.error(man.stderr);
  process.exit(1);
}
writeFileSync(join(here, 'dist', 'entroos.1'), man.stdout);
