// The start command of a standalone build (copied there as start.mjs by
// scripts/build-standalone.mjs): runs the bundled server with plain node and
// the garbage-collector flags of `npm start`, from the build's own folder, so
// the migrations, public/ and .next beside it are the ones it serves.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

// The same defaults as scripts/start.mjs (measured in bench/RESULTS.md); ENTROOS_V8_FLAGS replaces them.
const V8_FLAGS = (process.env.ENTROOS_V8_FLAGS ?? '--max-semi-space-size=32 --heap-growing-percent=50')
  .split(/\s+/)
  .filter(Boolean);

const child = spawn(process.execPath, [...V8_FLAGS, join(root, 'server.mjs')], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: 'production',
    // The build is always in .next here, whatever the environment says about checkouts.
    ENTROOS_DIST_DIR: '.next',
    NEXT_TELEMETRY_DISABLED: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
