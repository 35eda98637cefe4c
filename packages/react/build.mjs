// Builds dist/: ESM (.js) and CommonJS (.cjs) with esbuild, .d.ts with tsc, and the theme's styles.css.
// Peers and dependencies (React, react-query, @entroos/client, @tanstack/react-virtual) stay imports, so an app
// has each of them once.
// `npm run build -w @entroos/react` (the root's `npm run build:packages` builds every package).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
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
