// Builds dist/: ESM (.js) and CommonJS (.cjs) with esbuild, .d.ts with tsc, and the theme's styles.css.
// Peers and dependencies (React, react-query, @entroos/client, @tanstack/react-virtual) stay imports, so an app
// has each of them once.
// `npm run build -w @entroos/react` (the root's `npm run build:packages` builds every package).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const here = import.meta.dirname;
rmSync(join(here, 'dist'), { recursive: true, force: true });
const common = {
  entryPoints: { index: join(here, 'src/index.ts') },
  bundle: true,
  platform: 'neutral',
  target: 'es2022',
  jsx: 'automatic',
  external: [
    'react',
    'react-dom',
    'react/jsx-runtime',
    '@tanstack/react-query',
    '@tanstack/react-virtual',
    '@entroos/client',
    '@entroos/client/socket',
  ],
  outdir: join(here, 'dist'),
  sourcemap: true,
  logLevel: 'warning',
};
await build({ ...common, format: 'esm', outExtension: { '.js': '.js' } });
await build({ ...common, format: 'cjs', outExtension: { '.js': '.cjs' } });
mkdirSync(join(here, 'dist'), { recursive: true });
copyFileSync(join(here, 'src/styles.css'), join(here, 'dist/styles.css'));
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
// The sources import each other with `.ts`/`.tsx` specifiers (Next's bundler, which builds the dashboard from these
// sources, does not map `.js` to them); the declarations get `.js` ones.
for (const file of readdirSync(join(here, 'dist'), { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.d.ts')) continue;
  const path = join(here, 'dist', file);
  writeFileSync(path, readFileSync(path, 'utf8').replace(/(from |import\()'(\.{1,2}\/[^']+)\.tsx?'/g, "$1'$2.js'"));
}
