// Builds dist/: ESM (.js) and CommonJS (.cjs) for the core, the Node entry and the socket entry with esbuild,
// and .d.ts with tsc.
// The sources import each other with `.ts` specifiers, as the rest of the repository does (Next's bundler, which
// builds the dashboard from these sources, does not map `.js` to `.ts`); the declarations get `.js` ones.
// `npm run build -w @entroos/client` (the root's `npm run build:packages` builds every package).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const here = import.meta.dirname;
rmSync(join(here, 'dist'), { recursive: true, force: true });
const common = {
  entryPoints: {
    index: join(here, 'src/index.ts'),
    node: join(here, 'src/node.ts'),
    socket: join(here, 'src/socket.ts'),
  },
  bundle: true,
  platform: 'neutral',
  target: 'es2022',
  external: ['node:*', 'yaml', 'socket.io-client'],
  outdir: join(here, 'dist'),
  sourcemap: true,
  logLevel: 'warning',
};
await build({
  ...common,
  format: 'esm',
  outExtension: { '.js': '.js' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
await build({ ...common, format: 'cjs', outExtension: { '.js': '.cjs' } });
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
for (const file of readdirSync(join(here, 'dist'), { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.d.ts')) continue;
  const path = join(here, 'dist', file);
  writeFileSync(path, readFileSync(path, 'utf8').replace(/(from |import\()'(\.{1,2}\/[^']+)\.ts'/g, "$1'$2.js'"));
}
