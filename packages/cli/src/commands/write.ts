import { parse } from 'yaml';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlreadyExistsError, NotFoundError, type KubeObject, type ResourceInfo } from '@entroos/client';
import { UsageError } from '../errors.js';
import type { Invocation } from '../main.js';
import { objectName, toJson, toYaml } from '../output.js';
import { connection, printObjects, readManifests, resourceOf, splitTypeArgs, withKinds } from './common.js';

const suffix = (dryRun?: boolean) => (dryRun ? ' (server dry run)' : '');

export async function create(inv: Invocation): Promise<void> {
  const o = inv.options as { filename: string[]; dryRun?: boolean; output?: string };
  const { client, namespace } = connection(inv);
  let failed = 0;
  const objects = await readManifests(o.filename);
  for (const object of objects) {
    const info = await resourceOf(client, object);
    try {
      const created = (await client.resource<KubeObject>(info).create(object, {
        namespace: object.metadata?.namespace ?? namespace,
        dryRun: o.dryRun,
      })) as KubeObject;
      if (o.output && (await printObjects(o.output, withKinds([created], info), true))) continue;
      process.stdout.write(`${objectName(created, info.kind)} created${suffix(o.dryRun)}\n`);
    } catch (err) {
      if (!(err instanceof AlreadyExistsError) || objects.length === 1) throw err;
      failed++;
      process.stderr.write(`Error from server (AlreadyExists): ${(err as Error).message}\n`);
    }
  }
  if (failed) throw new Error(`${failed} of ${objects.length} objects already existed`);
}

export async function apply(inv: Invocation): Promise<void> {
  const o = inv.options as { filename: string[]; dryRun?: boolean; forceConflicts: boolean; output?: string };
  const { client, namespace } = connection(inv);
  for (const object of await readManifests(o.filename)) {
    const info = await resourceOf(client, object);
    const api = client.resource<KubeObject>(info);
    const ns = object.metadata?.namespace ?? namespace;
    const name = object.metadata?.name;
    if (!name) throw new UsageError(`a ${object.kind} without metadata.name cannot be applied`);
    const before = await api.get(name, { namespace: ns }).catch((err: unknown) => {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    });
    const after = await api.apply(object, { namespace: ns, dryRun: o.dryRun, force: o.forceConflicts });
    if (o.output && (await printObjects(o.output, withKinds([after], info), true))) continue;
    const verb = !before
      ? 'created'
      : before.metadata?.resourceVersion === after.metadata?.resourceVersion
        ? 'unchanged'
        : 'configured';
    process.stdout.write(
      `${objectName({ ...after, apiVersion: object.apiVersion, kind: object.kind })} ${verb}${suffix(o.dryRun)}\n`,
    );
  }
}

export async function edit(inv: Invocation): Promise<void> {
  const [type, maybeName] = inv.args;
  const [{ type: t, names }] = splitTypeArgs(type, maybeName ? [maybeName] : []);
  if (names.length !== 1) throw new UsageError('edit one object: entroos edit TYPE NAME');
  const { client, namespace } = connection(inv);
  const info = await client.resolve(t);
  const api = client.resource<KubeObject>(info);
  const [object] = withKinds([await api.get(names[0], { namespace })], info);
  const json = (inv.options.output as string) === 'json';
  const dir = mkdtempSync(join(tmpdir(), 'entroos-edit-'));
  const file = join(dir, `${names[0]}.${json ? 'json' : 'yaml'}`);
  const original = json ? toJson(object) : await toYaml(object);
  writeFileSync(file, original);
  try {
    const editor = process.env.KUBE_EDITOR || process.env.EDITOR || 'vi';
    const result = spawnSync(`${editor} "${file}"`, { shell: true, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`the editor (${editor}) exited with ${result.status}`);
    const text = readFileSync(file, 'utf8');
    if (text === original) {
      process.stdout.write('Edit cancelled, no changes made.\n');
      return;
    }
    const changed = parse(text) as KubeObject;
    const saved = await api.update(changed, { namespace });
    process.stdout.write(`${objectName(saved, info.kind)} edited\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function remove(inv: Invocation): Promise<void> {
  const o = inv.options as {
    filename?: string[];
    selector?: string;
    all?: boolean;
    allNamespaces?: boolean;
    ignoreNotFound?: boolean;
    cascade: string;
    gracePeriod?: string;
    dryRun?: boolean;
  };
  const { client, namespace } = connection(inv);
  const policy = ({ background: 'Background', foreground: 'Foreground', orphan: 'Orphan' } as const)[
    o.cascade as 'background'
  ];
  if (!policy) throw new UsageError(`--cascade must be background, foreground or orphan (got "${o.cascade}")`);
  const targets: { info: ResourceInfo; name: string; namespace?: string }[] = [];
  if (o.filename) {
    for (const object of await readManifests(o.filename))
      targets.push({
        info: await resourceOf(client, object),
        name: object.metadata?.name ?? '',
        namespace: object.metadata?.namespace ?? namespace,
      });
  } else {
    const [type, ...names] = inv.args;
    if (!type) throw new UsageError('name what to delete: entroos delete TYPE NAME, -l SELECTOR, --all or -f FILE');
    for (const g of splitTypeArgs(type, names)) {
      const info = await client.resolve(g.type);
      if (g.names.length) for (const name of g.names) targets.push({ info, name, namespace });
      else if (o.selector || o.all) {
        const list = await client
          .resource<KubeObject>(info)
          .list({ namespace: o.allNamespaces ? undefined : namespace, labelSelector: o.selector });
        for (const item of list.items)
          targets.push({ info, name: item.metadata?.name ?? '', namespace: item.metadata?.namespace });
      } else throw new UsageError(`give names, -l SELECTOR or --all to delete ${g.type}`);
    }
    if (!targets.length) {
      process.stderr.write('No resources found\n');
      return;
    }
  }
  let firstError: unknown;
  for (const t of targets) {
    try {
      await client.resource(t.info).delete(t.name, {
        namespace: t.namespace,
        propagationPolicy: policy,
        gracePeriodSeconds: o.gracePeriod === undefined ? undefined : Number(o.gracePeriod),
        dryRun: o.dryRun,
      });
      const kind = `${t.info.kind.toLowerCase()}${t.info.group ? `.${t.info.group}` : ''}`;
      process.stdout.write(`${kind} "${t.name}" deleted${suffix(o.dryRun)}\n`);
    } catch (err) {
      if (err instanceof NotFoundError && o.ignoreNotFound) continue;
      if (targets.length === 1) throw err;
      firstError ??= err;
      process.stderr.write(
        `Error from server (${(err as NotFoundError).reason ?? 'Error'}): ${(err as Error).message}\n`,
      );
    }
  }
  if (firstError) throw firstError;
}

export async function scale(inv: Invocation): Promise<void> {
  const [type, maybeName] = inv.args;
  const replicas = Number(inv.options.replicas);
  if (!Number.isInteger(replicas) || replicas < 0)
    throw new UsageError(`--replicas must be a whole number ≥ 0 (got "${String(inv.options.replicas)}")`);
  const { client, namespace } = connection(inv);
  for (const g of splitTypeArgs(type, maybeName ? [maybeName] : [])) {
    const info = await client.resolve(g.type);
    if (!g.names.length) throw new UsageError('name the object: entroos scale TYPE NAME --replicas=N');
    for (const name of g.names) {
      await client.resource(info).scale(name, replicas, { namespace });
      process.stdout.write(`${info.kind.toLowerCase()}${info.group ? `.${info.group}` : ''}/${name} scaled\n`);
    }
  }
}
