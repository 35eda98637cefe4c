import { parseAllDocuments } from 'yaml';
import { readFileSync } from 'node:fs';
import type { Client, KubeObject, ResourceInfo } from '@entroos/client';
import { connect, type Connection } from '../config.js';
import { UsageError } from '../errors.js';
import type { Invocation } from '../main.js';
import { jsonpath, objectName, toJson, toYaml } from '../output.js';

export function connection(inv: Invocation): Connection {
  return connect(inv.global);
}

/** "pods", "pods,svc", "pod/web", "deploy/api": the types and the names given with them. */
export function splitTypeArgs(type: string, names: string[]): { type: string; names: string[] }[] {
  if (type.includes('/')) {
    const all = [type, ...names];
    const groups = new Map<string, string[]>();
    for (const ref of all) {
      const slash = ref.indexOf('/');
      if (slash < 0)
        throw new UsageError(
          `there is no need to give a resource type as a separate argument when passing arguments in resource/name form (got "${ref}")`,
        );
      const t = ref.slice(0, slash);
      groups.set(t, [...(groups.get(t) ?? []), ref.slice(slash + 1)]);
    }
    return [...groups].map(([t, n]) => ({ type: t, names: n }));
  }
  const types = type.split(',').filter(Boolean);
  if (types.length > 1 && names.length)
    throw new UsageError('name several types only without names (pods,svc), or use TYPE/NAME');
  return types.map((t) => ({ type: t, names }));
}

/** The resource for a kubectl-style name; an unknown one is a usage error. */
export async function resolve(client: Client, type: string): Promise<ResourceInfo> {
  return client.resolve(type);
}

/** The resource of an object from a file (by apiVersion and kind). */
export async function resourceOf(client: Client, object: KubeObject): Promise<ResourceInfo> {
  if (!object.apiVersion || !object.kind) throw new UsageError('every document needs apiVersion and kind');
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const info = await client.resolve(group ? `${object.kind}.${group}` : object.kind);
  return { ...info, version };
}

/** The documents of -f files (YAML streams, JSON, kind: List flattened); "-" is standard input. */
export async function readManifests(files: string[]): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const file of files) {
    const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length) throw new UsageError(`${file}: ${doc.errors[0].message.split('\n')[0]}`);
      const value = doc.toJS() as KubeObject | null;
      if (!value) continue;
      if (value.kind === 'List' && Array.isArray(value.items)) out.push(...(value.items as KubeObject[]));
      else out.push(value);
    }
  }
  if (!out.length) throw new UsageError(`no objects in ${files.join(', ')}`);
  return out;
}

/** Prints objects in a machine format (json, yaml, name, jsonpath); false for table formats. */
export async function printObjects(
  format: string,
  objects: KubeObject[],
  single: boolean,
  kind = '',
  showManagedFields = false,
): Promise<boolean> {
  // kubectl leaves managedFields out unless --show-managed-fields.
  if (!showManagedFields)
    objects = objects.map((o) =>
      o.metadata?.managedFields ? { ...o, metadata: { ...o.metadata, managedFields: undefined } } : o,
    );
  const data = single
    ? objects[0]
    : { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
  if (format === 'json') process.stdout.write(toJson(data));
  else if (format === 'yaml') process.stdout.write(await toYaml(data));
  else if (format === 'name')
    process.stdout.write(objects.map((o) => objectName(o, kind)).join('\n') + (objects.length ? '\n' : ''));
  else if (format.startsWith('jsonpath=') || format.startsWith('jsonpath-as-json=')) {
    const template = format.slice(format.indexOf('=') + 1).replace(/^'(.*)'$/s, '$1');
    process.stdout.write(jsonpath(template, data));
  } else if (format === 'table' || format === 'wide' || format === '') return false;
  else
    throw new UsageError(`unknown output format "${format}": use table, wide, json, yaml, name or jsonpath=TEMPLATE`);
  return true;
}

/** A list's items with apiVersion and kind set (lists leave them out; kubectl fills them in). */
export function withKinds(items: KubeObject[], info: ResourceInfo): KubeObject[] {
  const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
  return items.map((o) => ({ apiVersion, kind: info.kind, ...o }));
}
