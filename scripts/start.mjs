// `npm start`: builds the app if the sources changed since the last build,
// then runs the production server (server.ts) in this terminal.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = process.env.ENTROOS_DIST_DIR || '.next';
const bin = (name) => join(root, 'node_modules', '.bin', name);
const SOURCES = ['app', 'components', 'lib', 'public', 'next.config.mjs', 'package-lock.json', 'tsconfig.json'];
const SKIP = new Set(['node_modules', 'generated', '.next']);

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path))
    if (!SKIP.has(entry)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

// Garbage-collector tuning, measured with `npm run bench:scale` (bench/RESULTS.md):
// a 32 MiB young generation lets the short-lived objects of each write die
// young instead of being promoted, and growing the old generation by 50 %
// after a full collection (V8 otherwise allows up to 4×) keeps the resident
// size near the live data. At 40,000 pods: RSS 1,269 → 773 MiB, creation
// 887 → 1,032 pods/s, startup p99 1.6 → 1.1 s. ENTROOS_V8_FLAGS replaces them.
export const V8_FLAGS = (process.env.ENTROOS_V8_FLAGS ?? '--max-semi-space-size=32 --heap-growing-percent=50')
  .split(/\s+/)
  .filter(Boolean);

export function buildIsCurrent() {
  const stamp = join(root, distDir, 'BUILD_ID');
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.every((s) => newestMtime(join(root, s)) <= built);
}

export function build() {
  console.log(`EntroOS: building the dashboard (next build → ${distDir}) ...`);
  const result = spawnSync(bin('next'), ['build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) {
    console.error('EntroOS: the build failed (see above).');
    process.exit(result.status ?? 1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!existsSync(bin('tsx'))) {
    console.error('EntroOS: dependencies are missing; run `npm install` first.');
    process.exit(1);
  }
  if (!buildIsCurrent()) build();
  // node with tsx's loader (not the tsx wrapper): one process to signal.
  const child = spawn(process.execPath, [...V8_FLAGS, '--import', 'tsx', 'server.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', CHECKPOINT_DISABLE: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}
