// `npm test`: the whole suite, as CI runs it. Type check, lint, format and
// import rules first; then builds the app into .next-test
// (a running `npm start` is left alone), then runs unit, store (SQLite and
// PostgreSQL), integration (real server on a random port) and Playwright
// end-to-end tests in Debian's Chromium, then the dashboard benchmark at a small size.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const env = {
  ...process.env,
  ENTROOS_DIST_DIR: '.next-test',
  NEXT_TELEMETRY_DISABLED: '1',
  CHECKPOINT_DISABLE: '1',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
};
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function run(title, command, args, extraEnv = {}) {
  console.log(`\n== ${title}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\nnpm test: ${title} failed after ${seconds} s.`);
    process.exit(result.status ?? 1);
  }
  console.log(`== ${title}: ok in ${seconds} s`);
}

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt && !process.env.CHROMIUM_PATH) {
    console.log('npm test: Chromium is missing; installing Debian chromium with apt-get ...');
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    const install = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (update.status === 0 && install.status === 0 && existsSync(CHROMIUM)) return;
  }
  console.error(
    `npm test: the end-to-end tests need Chromium at ${CHROMIUM}. Install it with:\n  sudo apt-get install -y chromium\n(or set CHROMIUM_PATH to a Chromium binary).`,
  );
  process.exit(1);
}

// The official Python client runs on Debian's interpreter (a pyenv `python3` on PATH may not see its packages).
const PYTHON_PACKAGES = [
  'python3-kubernetes',
  'python3-pytest',
  'python3-httpx',
  'python3-pydantic',
  'python3-yaml',
  'python3-pandas',
  'python3-matplotlib',
  'python3-nbclient',
  'python3-nbformat',
  'python3-ipykernel',
  'mypy',
];
function ensurePythonClient() {
  // The SDK (sdk/python) and its tests need more of Debian's Python packages, and Debian's mypy.
  const modules = 'kubernetes, pytest, httpx, pydantic, yaml, pandas, matplotlib, nbclient, nbformat, ipykernel';
  const check = () =>
    spawnSync('/usr/bin/python3', ['-c', `import ${modules}`], { stdio: 'ignore' }).status === 0 &&
    spawnSync('sh', ['-c', 'command -v mypy'], { stdio: 'ignore' }).status === 0;
  if (check()) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt) {
    console.log(`npm test: Python packages are missing; installing Debian's ${PYTHON_PACKAGES.join(' ')} ...`);
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['install', '-y', '-qq', ...PYTHON_PACKAGES], { stdio: 'inherit', env });
    if (check()) return;
  }
  console.error(
    'npm test: the compatibility tests need the official Python client on /usr/bin/python3. Install it with:\n' +
      `  sudo apt-get install -y ${PYTHON_PACKAGES.join(' ')}`,
  );
  process.exit(1);
}

// The deployment files are checked by the tools that own their formats (tests/unit/deploy-files.test.ts).
const DEPLOY_TOOLS = [
  ['haproxy', 'haproxy'],
  ['shellcheck', 'shellcheck'],
  ['systemd-analyze', 'systemd'],
];
function ensureDeployTools() {
  const missing = () =>
    DEPLOY_TOOLS.filter(
      ([command]) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status !== 0,
    );
  if (!missing().length) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  const packages = missing().map(([, pkg]) => pkg);
  if (isRoot && hasApt) {
    console.log(`npm test: installing Debian's ${packages.join(' ')} for the deployment files' checks ...`);
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
    if (!missing().length) return;
  }
  console.error(
    `npm test: the deployment files' checks need ${packages.join(', ')}. Install them with:\n  sudo apt-get install -y ${packages.join(' ')}`,
  );
  process.exit(1);
}

function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

async function ensureServices() {
  const pg = new URL(process.env.ENTROOS_TEST_POSTGRES_URL ?? 'postgresql://root@127.0.0.1:5432/postgres');
  if (!(await reachable(pg.hostname, Number(pg.port || 5432)))) {
    console.error(
      `npm test: PostgreSQL is not reachable at ${pg.hostname}:${pg.port || 5432}; the store tests run against it and never skip.\n` +
        '  Start it (pg_ctlcluster $(ls /etc/postgresql) main start) or set ENTROOS_TEST_POSTGRES_URL.',
    );
    process.exit(1);
  }
  const redis = new URL(process.env.ENTROOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  if (!(await reachable(redis.hostname, Number(redis.port || 6379)))) {
    console.error(
      `npm test: Redis is not reachable at ${redis.hostname}:${redis.port || 6379}; the multi-instance tests run against it and never skip.\n` +
        '  Start it (redis-server --daemonize yes) or set ENTROOS_TEST_REDIS_URL.',
    );
    process.exit(1);
  }
}

if (!existsSync(bin('vitest'))) {
  console.error('npm test: dependencies are missing; run `npm install` first.');
  process.exit(1);
}
ensureChromium();
ensurePythonClient();
ensureDeployTools();
await ensureServices();
// The workspace packages first: @entroos/client's dist/ carries the types the CLI and the compat tests import,
// and the CLI tests run the prebuilt `entroos` bundle (a few seconds; npm run build:packages).
run('build packages (@entroos/client, @entroos/react, entroos CLI)', 'npm', ['run', '-s', 'build:packages']);
// @entroos/react's Storybook as a static site: tests/e2e/storybook.spec.ts opens every story of it.
run('Storybook static build (@entroos/react)', 'npm', ['run', '-s', 'storybook:build', '-w', '@entroos/react']);
run('type check', bin('tsc'), ['--noEmit', '-p', '.']);
run('lint (ESLint)', bin('eslint'), ['--cache', '--cache-location', 'node_modules/.cache/eslint/', '.']);
run('format (Prettier)', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
run('import rules (dependency-cruiser)', bin('depcruise'), [
  '--config',
  '.dependency-cruiser.cjs',
  'lib',
  'app',
  'components',
  'server.ts',
]);
run('build (next build → .next-test)', bin('next'), ['build']);
run('unit, store and integration tests (vitest)', bin('vitest'), ['run']);
run('end-to-end tests (Playwright, Debian Chromium)', bin('playwright'), ['test']);
// The dashboard benchmark at a small size, so it keeps working (full size: npm run bench:dashboard).
const small = { BENCH_PODS: '3000', BENCH_CHANGES_PER_S: '200', BENCH_STREAM_SECONDS: '5', BENCH_CLICKS: '5' };
run(`dashboard benchmark, small (${small.BENCH_PODS} pods)`, bin('tsx'), ['bench/dashboard.ts'], small);
console.log('\nnpm test: all suites passed.');
