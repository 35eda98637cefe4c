// `npm run build:standalone [-- --out DIR] [-- --no-next-build]`: a self-contained
// production build in dist/standalone that runs with plain `node start.mjs` —
// no TypeScript loader, no devDependencies, no checkout:
//
//   server.mjs, admin-password.mjs, backup.mjs, …    server.ts and the operator scripts bundled with esbuild
//                                                    (npm packages stay external, in node_modules); `npm run
//                                                    admin:password`, `npm run backup` work there as here
//   prover-worker.mjs                                the proving thread, loaded beside the bundle
//   sqlite-writer-thread.mjs                         the SQLite store's writer thread, loaded beside the bundle
//   image-process.mjs                                the image engine's process (sharp), forked beside the bundle
//   start.mjs                                        the launcher (GC flags, NODE_ENV=production)
//   .next/, next.config.mjs, public/                 the Next build (dashboard and routes) and its assets
//   prisma/migrations/                               applied by the server at start-up
//   node_modules/                                    `npm ci --omit=dev` from this lock file
//   build-info.json                                  Node ABI, platform and commit the native addon is for
//
// Next's own `output: 'standalone'` traces only what the routes import, not the custom
// server (socket.io, Redis, the Prisma clients, the prover), so the production
// dependencies are installed whole instead.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(root, 'dist', 'standalone') },
    // Use the Next build in ENTROOS_DIST_DIR (or .next) as it is, without checking that it is current.
    'no-next-build': { type: 'boolean', default: false },
    // ci: `npm ci --omit=dev` (about 80 s here). link: the same packages — those `npm ls --omit=dev` lists —
    // hard-linked from this checkout's node_modules (a few seconds; for tests on the same machine).
    deps: { type: 'string', default: 'ci' },
  },
  strict: true,
});
const out = resolve(values.out);
const distDir = process.env.ENTROOS_DIST_DIR || '.next';

function fail(message) {
  console.error(`build:standalone: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}

const started = Date.now();
const step = (what) => console.log(`build:standalone: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

if (out === root || !relative(out, root).startsWith('..')) fail('--out must not be the checkout or a folder above it');

// 1. The Next build.
if (!values['no-next-build']) {
  const { buildIsCurrent, build } = await import('./start.mjs');
  if (!buildIsCurrent()) build();
}
if (!existsSync(join(root, distDir, 'BUILD_ID'))) fail(`${distDir}/BUILD_ID is missing: run \`next build\` first`);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// 2. The server and the operator scripts, bundled. Each bundle sits at the root of the build:
// lib/proofs/artifacts.ts finds public/zk beside it, and pool.ts the prover worker.
const { build: esbuild } = await import('esbuild');
// The operator scripts a production machine needs (`npm run <name>` there runs `node <name>.mjs`).
const OPERATOR_SCRIPTS = ['admin-password', 'kubeconfig', 'backup', 'audit-verify'].filter((name) =>
  existsSync(join(root, 'scripts', `${name}.ts`)),
);
const entries = {
  server: 'server.ts',
  ...Object.fromEntries(OPERATOR_SCRIPTS.map((name) => [name, `scripts/${name}.ts`])),
};
await esbuild({
  entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(root, file)])),
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
step('bundled server.ts and the operator scripts');

// 3. What the bundle reads at run time.
cpSync(join(root, 'lib', 'proofs', 'prover-worker.mjs'), join(out, 'prover-worker.mjs'));
cpSync(join(root, 'lib', 'store', 'sqlite-writer-thread.mjs'), join(out, 'sqlite-writer-thread.mjs'));
cpSync(join(root, 'lib', 'apps', 'convert', 'engines', 'image-process.mjs'), join(out, 'image-process.mjs'));
cpSync(join(root, 'scripts', 'standalone-start.mjs'), join(out, 'start.mjs'));
cpSync(join(root, 'next.config.mjs'), join(out, 'next.config.mjs'));
// The systemd unit and the installer travel with the build: `sudo ./install.sh` on the target machine.
cpSync(join(root, 'deploy', 'entroos.service'), join(out, 'deploy', 'entroos.service'));
cpSync(join(root, 'scripts', 'install.sh'), join(out, 'install.sh'));
cpSync(join(root, 'public'), join(out, 'public'), { recursive: true });
cpSync(join(root, 'prisma', 'migrations'), join(out, 'prisma', 'migrations'), { recursive: true });
// The Next build without its compiler cache (hundreds of MiB, only for rebuilding).
const SKIP_DIST = new Set(['cache', 'trace', 'trace-build', 'types', 'diagnostics']);
cpSync(join(root, distDir), join(out, '.next'), {
  recursive: true,
  filter: (src) => !SKIP_DIST.has(relative(join(root, distDir), src).split('/')[0]),
});
step(`copied ${distDir}, public/ and the migrations`);

// 4. package.json for production: the same dependencies and lock file, no development scripts.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const runtimePkg = {
  name: pkg.name,
  version: pkg.version,
  private: true,
  description: pkg.description,
  license: pkg.license,
  type: 'module',
  engines: pkg.engines,
  scripts: {
    start: 'node start.mjs',
    ...Object.fromEntries(
      OPERATOR_SCRIPTS.map((name) => [
        Object.keys(pkg.scripts).find((s) => pkg.scripts[s].includes(`scripts/${name}.ts`)) ?? name,
        `node ${name}.mjs`,
      ]),
    ),
  },
  dependencies: pkg.dependencies,
  // Kept so that `npm ci` accepts the lock file; --omit=dev leaves them out.
  devDependencies: pkg.devDependencies,
  overrides: pkg.overrides,
};
writeFileSync(join(out, 'package.json'), JSON.stringify(runtimePkg, null, 2) + '\n');
cpSync(join(root, 'package-lock.json'), join(out, 'package-lock.json'));

// 5. Production dependencies. Install scripts stay off (the Prisma packages' would fetch engines the JS
// engine does not use); the one native addon, better-sqlite3, is taken from this checkout when it was
// built for the same package version and Node ABI, and compiled otherwise.
if (values.deps === 'link') {
  linkProductionPackages();
  step('linked the production dependencies from this checkout');
} else {
  if (values.deps !== 'ci') fail(`--deps must be ci or link, not ${values.deps}`);
  const flags = ['--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
  run('npm', ['ci', ...flags], { cwd: out, env: { ...process.env, npm_config_update_notifier: 'false' } });
  step('installed the production dependencies');
}

const ADDON = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const versionOf = (dir) =>
  JSON.parse(readFileSync(join(dir, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
const builtHere = join(root, ADDON);
if (existsSync(builtHere) && versionOf(root) === versionOf(out) && sameAbi()) {
  mkdirSync(dirname(join(out, ADDON)), { recursive: true });
  // Removed first: with --deps=link it is a hard link, and copying onto it would rewrite the checkout's file.
  rmSync(join(out, ADDON), { force: true });
  cpSync(builtHere, join(out, ADDON));
  step('reused the better-sqlite3 addon built for this Node');
} else {
  run('npm', ['rebuild', 'better-sqlite3', '--foreground-scripts'], { cwd: out });
  step('built the better-sqlite3 addon');
}
// Proves the addon loads in this Node before anyone deploys it.
run(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"], {
  cwd: out,
});

/** Hard-links (or copies, across file systems) every package `npm ls --omit=dev` lists into out/node_modules. */
function linkProductionPackages() {
  const listed = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8' });
  // "invalid" alone is a peer range a package declares narrower than what is installed (swagger-ui-react's
  // dependencies name React ≤ 18; React 19 works): the tree is still the lock file's. Missing packages are not.
  const problems = (listed.stderr.match(/^npm error (missing|invalid|extraneous)\b.*$/gm) ?? []).filter(
    (line) => !/^npm error invalid: react(-dom)?@/.test(line),
  );
  if (listed.status !== 0 && (problems.length || !listed.stdout.trim()))
    fail(`npm ls --omit=dev failed: the checkout's node_modules do not match its lock file\n${problems.join('\n')}`);
  const packages = listed.stdout
    .split('\n')
    .map((line) => relative(root, line.trim()))
    .filter((path) => path.startsWith('node_modules'));
  const place = (from, to) => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue; // nested packages are listed (or omitted) on their own
      const source = join(from, entry.name);
      const target = join(to, entry.name);
      if (entry.isDirectory()) {
        mkdirSync(target, { recursive: true });
        place(source, target);
      } else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
      else
        try {
          linkSync(source, target);
        } catch {
          copyFileSync(source, target);
        }
    }
  };
  for (const path of packages) {
    mkdirSync(join(out, path), { recursive: true });
    place(join(root, path), join(out, path));
  }
}

/** The checkout's addon is for this Node when it loads in it (a stale addon throws ERR_DLOPEN_FAILED). */
function sameAbi() {
  const probe = spawnSync(process.execPath, ['-e', "require('better-sqlite3')"], { cwd: root, stdio: 'ignore' });
  return probe.status === 0;
}

// 6. What the build is for: install.sh refuses a Node with another ABI (the addon would not load).
const commit = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
writeFileSync(
  join(out, 'build-info.json'),
  JSON.stringify(
    {
      version: pkg.version,
      commit: commit.status === 0 ? commit.stdout.trim() : null,
      builtAt: new Date().toISOString(),
      node: process.version,
      nodeAbi: process.versions.modules,
      platform: process.platform,
      arch: process.arch,
    },
    null,
    2,
  ) + '\n',
);
const size = spawnSync('du', ['-sh', out], { encoding: 'utf8' }).stdout.split('\t')[0];
step(`done: ${out} (${size}); run it with \`node ${relative(process.cwd(), join(out, 'start.mjs')) || 'start.mjs'}\``);
