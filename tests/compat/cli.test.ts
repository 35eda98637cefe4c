import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ADMIN_PASSWORD, startServer, type TestServer } from '../helpers/server.ts';
import { kubectlFor, until, type Kubectl } from '../helpers/kubectl.ts';
import { CLI, cells, ensurePackagesBuilt, entroos, type Run } from './cli-support.ts';

// The `entroos` CLI (the prebuilt bundle, run with plain node) against a real server, its output compared with
// kubectl's for the same objects.

const MANIFESTS = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    resources:
      requests: {cpu: 100m, memory: 64Mi}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: node:22
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data: {a: "1"}
`;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec: {type: string}
              replicas: {type: integer}
`;

describe('entroos CLI', () => {
  let server: TestServer;
  let kubectl: Kubectl;
  let home: string;
  let env: Record<string, string>;
  const run = (...args: string[]) => entroos(env, args);
  const ok = async (...args: string[]) => {
    const r = await run(...args);
    if (r.code !== 0) throw new Error(`entroos ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const file = (name: string, text: string) => {
    const path = join(home, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    ensurePackagesBuilt();
    server = await startServer({ env: { ENTROOS_NODES: '2' } });
    kubectl = await kubectlFor(server);
    home = mkdtempSync(join(tmpdir(), 'entroos-cli-'));
    // No KUBECONFIG: the CLI must use what `entroos login` stored.
    env = { HOME: home, XDG_CONFIG_HOME: '', KUBECONFIG: join(home, 'none'), ENTROOS_CONFIG: '' };
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('logs in, stores a named context in ~/.config/entroos/config.yaml, and switches contexts', async () => {
    const noPassword = await run('login', server.url, '-u', 'admin', '--name', 'test');
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toMatch(/^entroos: give the password/);
    const r = await entroos(
      env,
      ['login', server.url, '-u', 'admin', '--password-stdin', '--name', 'test'],
      `${ADMIN_PASSWORD}\n`,
    );
    expect(r.stdout).toMatch(/logged in to https:\/\/127\.0\.0\.1:\d+ as admin; context "test"/);
    const config = readFileSync(join(home, '.config/entroos/config.yaml'), 'utf8');
    expect(config).toMatch(/current-context: test/);
    expect(config).toMatch(/token: eos_/);
    await entroos({ ...env, ENTROOS_PASSWORD: ADMIN_PASSWORD }, ['login', server.url, '--name', 'other']);
    expect(await ok('config', 'current-context')).toBe('other\n');
    expect(await ok('config', 'use-context', 'test')).toBe('Switched to context "test".\n');
    expect(await ok('config', 'get-contexts')).toMatch(
      /^CURRENT\s+NAME\s+SERVER\s+USER\s+NAMESPACE\n\*\s+test\s+https:/m,
    );
    expect(await ok('whoami')).toMatch(/^admin \(admin, by token\) via context test/);
    expect(await ok('version')).toMatch(/^Client Version: 0\.1\.0\nServer Version: v1\.\d+/);
  }, 60_000);

  it('prints the same tables as kubectl for built-in kinds (default, wide, -A, labels, several kinds)', async () => {
    const created = await ok('create', '-f', file('m.yaml', MANIFESTS));
    expect(created).toBe('pod/web created\ndeployment.apps/api created\nconfigmap/settings created\n');
    await until(async () => (await kubectl.run('get', 'pods')).split('\n').length >= 5, 'the deployment pods');
    for (const args of [
      ['get', 'pods'],
      ['get', 'pods', '-o', 'wide'],
      ['get', 'pods', '-A'],
      ['get', 'pods', '--show-labels'],
      ['get', 'deploy,rs'],
      ['get', 'configmaps'],
      ['get', 'namespaces'],
      ['get', 'nodes', '-o', 'wide'],
      ['get', 'pod', 'web'],
      ['get', 'pods', '-l', 'app=api'],
      ['get', 'deployments.apps/api'],
    ]) {
      // Both at one moment: statuses move while the simulated nodes start the pods.
      await until(
        async () => {
          const [mine, theirs] = await Promise.all([ok(...args), kubectl.run(...args)]);
          expect(cells(mine), args.join(' ')).toEqual(cells(theirs));
          return true;
        },
        `entroos ${args.join(' ')} to match kubectl`,
        15_000,
      );
    }
  }, 120_000);

  it('prints json, yaml, name and jsonpath as kubectl does', async () => {
    const mine = JSON.parse(await ok('get', 'pod', 'web', '-o', 'json'));
    const theirs = JSON.parse(await kubectl.run('get', 'pod', 'web', '-o', 'json'));
    expect(mine.metadata.uid).toBe(theirs.metadata.uid);
    expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
    const list = JSON.parse(await ok('get', 'configmaps', '-o', 'json'));
    expect(list).toMatchObject({ kind: 'List', apiVersion: 'v1' });
    expect(list.items.find((c: { metadata: { name: string } }) => c.metadata.name === 'settings')).toMatchObject({
      kind: 'ConfigMap',
      apiVersion: 'v1',
    });
    // A configmap does not change between the two reads: the JSON is the same text as kubectl's.
    expect(await ok('get', 'configmap', 'settings', '-o', 'json')).toBe(
      await kubectl.run('get', 'configmap', 'settings', '-o', 'json'),
    );
    const yaml = await ok('get', 'configmap', 'settings', '-o', 'yaml');
    expect(yaml).toMatch(/^apiVersion: v1\ndata:\n {2}a: "1"\nkind: ConfigMap\nmetadata:\n/);
    expect(parse(yaml)).toEqual(parse(await kubectl.run('get', 'configmap', 'settings', '-o', 'yaml')));
    expect(await ok('get', 'pods', '-l', 'app=web', '-o', 'name')).toBe(
      await kubectl.run('get', 'pods', '-l', 'app=web', '-o', 'name'),
    );
    const template = 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.containers[0].image}{"\\n"}{end}';
    expect(await ok('get', 'pods', '-o', template)).toBe(await kubectl.run('get', 'pods', '-o', template));
    expect(await ok('get', 'pod', 'web', '-o', 'jsonpath={.metadata.labels.app}')).toBe('web');
  });

  it('handles custom resources with the server printer columns, like kubectl', async () => {
    await kubectl.run('apply', '-f', file('crd.yaml', CRD));
    await kubectl.run('wait', '--for', 'condition=established', 'crd/crontabs.stable.example.com');
    const ct = `apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: nightly}\nspec: {cronSpec: "0 3 * * *", replicas: 1}\n`;
    expect(await ok('apply', '-f', file('ct.yaml', ct))).toBe('crontab.stable.example.com/nightly created\n');
    expect(await ok('apply', '-f', file('ct.yaml', ct))).toMatch(
      /^crontab\.stable\.example\.com\/nightly (unchanged|configured)\n$/,
    );
    for (const args of [
      ['get', 'crontabs'],
      ['get', 'ct', 'nightly'],
      ['get', 'crontabs.stable.example.com', '-o', 'wide'],
    ]) {
      const [mine, theirs] = await Promise.all([ok(...args), kubectl.run(...args)]);
      expect(cells(mine)).toEqual(cells(theirs));
    }
    expect(await ok('scale', 'deploy', 'api', '--replicas=3')).toBe('deployment.apps/api scaled\n');
    expect(JSON.parse(await kubectl.run('get', 'deploy', 'api', '-o', 'json')).spec.replicas).toBe(3);
    expect(await ok('describe', 'ct', 'nightly')).toMatch(/^Name:\s+nightly\nNamespace:\s+default\nKind:\s+CronTab/);
    expect(await ok('delete', 'ct', 'nightly')).toBe('crontab.stable.example.com "nightly" deleted\n');
    expect((await kubectl.exec('get', 'ct', 'nightly')).code).not.toBe(0);
  });

  it('fails in one line that says what to do, with the documented exit codes', async () => {
    const expectOneLine = (r: Run) => expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    const missing = await run('get', 'pod', 'nope');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe(
      'entroos: pods "nope" not found (NotFound). Try: entroos get pods -n NAMESPACE (or -A) to see what exists\n',
    );
    const unknownType = await run('get', 'widgets');
    expect(unknownType.code).toBe(3);
    expect(unknownType.stderr).toMatch(/^entroos: the server doesn't have a resource type "widgets"/);
    expectOneLine(unknownType);
    const usage = await run('get');
    expect(usage.code).toBe(2);
    expectOneLine(usage);
    expect(usage.stderr).toMatch(/^entroos: missing required argument 'type'\. Try: entroos get --help/);
    const badFormat = await run('get', 'pods', '-o', 'xml');
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/^entroos: unknown output format "xml"/);
    const forbidden = await run('delete', 'namespace', 'default');
    expect(forbidden.code).toBe(4);
    expectOneLine(forbidden);
    const exists = await run(
      'create',
      '-f',
      file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n'),
    );
    expect(exists.code).toBe(1);
    expect(exists.stderr).toMatch(/^entroos: configmaps "settings" already exists \(AlreadyExists\)/);
    const unreachable = await entroos(env, ['--server', 'https://127.0.0.1:1', '--token', 'x', 'get', 'pods']);
    expect(unreachable.code).toBe(5);
    expect(unreachable.stderr).toMatch(
      /^entroos: cannot reach https:\/\/127\.0\.0\.1:1.*Try: check the server is running/,
    );
    // Not a terminal: no colour codes anywhere.
    const ESC = String.fromCharCode(27);
    expect(missing.stderr + unreachable.stderr).not.toContain(`${ESC}[`);
    const coloured = await entroos({ ...env, NO_COLOR: '', FORCE_COLOR: '1' }, ['get', 'pod', 'nope']);
    expect(coloured.stderr).toContain(`${ESC}[`);
  });

  it('explains scheduling decisions, runs the policy lab, lists events and top', async () => {
    await until(
      async () => JSON.parse(await kubectl.run('get', 'pod', 'web', '-o', 'json')).spec.nodeName,
      'web to be scheduled',
      20_000,
    );
    const why = await ok('why', 'web');
    expect(why).toMatch(/Result:\s+Scheduled on \S+/);
    expect(why).toMatch(/Entropy:\s+[\d.]+ before → [\d.]+ after/);
    const lab = file(
      'lab.yaml',
      'generateNodes: {count: 4}\ngenerateWorkload: {pods: 40, durationMs: 4000}\nsampleEveryMs: 500\nseed: 3\n',
    );
    const out = await ok('lab', 'run', lab, '--profiles', 'entropy,pack');
    expect(out).toMatch(
      /^PROFILE\s+ENTROPY\s+UTIL STDDEV\s+NODES USED\s+SCHEDULED\s+PENDING\s+PODS\/S\s+ENTROPY OVER TIME\n/,
    );
    expect(out).toMatch(/^entropy\s+[\d.]+.*[▁▂▃▄▅▆▇█]+$/m);
    expect(out).toMatch(/^pack\s+/m);
    expect(await ok('events')).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n/);
    expect(await ok('events', '--for', 'pod/web')).toMatch(/Scheduled\s+pod\/web/);
    expect(await ok('top', 'pods')).toMatch(
      /^NAME\s+CPU\(requests\)\s+MEMORY\(requests\)\s+NODE\n(.*\n)*web\s+100m\s+64Mi\s+\S+/m,
    );
    expect(await ok('top', 'nodes')).toMatch(/^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\n/);
  }, 60_000);

  it('backs up, dry-runs a restore with a per-kind diff, exports and imports a namespace, verifies the audit trail', async () => {
    const out = join(home, 'backup.tar.gz');
    expect(await ok('backup', 'create', '-o', out)).toMatch(
      /^wrote .*backup\.tar\.gz \(\d+ bytes\); stored on the server as \S+/,
    );
    expect(existsSync(out)).toBe(true);
    expect(await ok('backup', 'list')).toMatch(/^NAME\s+BYTES\s+RESOURCEVERSION\s+CREATED\s+OBJECTS\n\S+\s+\d+/);
    await ok('delete', 'configmap', 'settings');
    const dry = await ok('backup', 'restore', out, '--dry-run');
    expect(dry).toMatch(/^KIND\s+ADDED\s+CHANGED\s+REMOVED\s+UNCHANGED$/m);
    expect(dry).toMatch(/configmaps added: .*default\/settings/);
    expect(dry).toMatch(/^dry run: would add \d+, change \d+, remove \d+; \d+ unchanged$/m);
    expect((await kubectl.exec('get', 'configmap', 'settings')).code).not.toBe(0);
    const exported = await ok('export', '-n', 'default');
    expect(exported).toMatch(/kind: Deployment/);
    await ok('delete', 'deployment', 'api');
    const imported = await ok('import', file('export.yaml', exported), '-n', 'default');
    expect(imported).toMatch(/^Deployment\/api: created$/m);
    expect(await ok('audit', 'verify')).toMatch(/^ok/);
  }, 90_000);

  it('writes completion scripts that bash loads and that complete commands', () => {
    const script = `source <(${process.execPath} ${CLI} completion bash)
complete -p entroos
COMP_WORDS=(entroos ge); COMP_CWORD=1; _entroos; echo "one: \${COMPREPLY[*]}"
COMP_WORDS=(entroos get dep); COMP_CWORD=2; _entroos; echo "two: \${COMPREPLY[*]}"
COMP_WORDS=(entroos backup re); COMP_CWORD=2; _entroos; echo "three: \${COMPREPLY[*]}"
COMP_WORDS=(entroos get pods --all-n); COMP_CWORD=3; _entroos; echo "four: \${COMPREPLY[*]}"`;
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^complete -F _entroos entroos$/m);
    expect(r.stdout).toMatch(/^one: get$/m);
    expect(r.stdout).toMatch(/^two: deploy deployments$/m);
    expect(r.stdout).toMatch(/^three: restore$/m);
    expect(r.stdout).toMatch(/^four: --all-namespaces$/m);
    for (const shell of ['zsh', 'fish']) {
      const s = spawnSync(process.execPath, [CLI, 'completion', shell], { encoding: 'utf8' });
      expect(s.status).toBe(0);
      expect(s.stdout).toMatch(/entroos/);
    }
    const man = readFileSync(join(CLI, '..', '..', 'dist', 'entroos.1'), 'utf8');
    expect(man).toMatch(/^\.TH ENTROOS 1/);
    expect(man).toMatch(/entroos backup restore/);
  });
});
