import type { KubeObject } from '@entroos/client';
import type { Invocation } from '../main.js';
import { toYaml } from '../output.js';
import { connection, splitTypeArgs } from './common.js';

// A generic describe: the object's identity, labels and annotations, then its spec and status as YAML, then the
// events about it (kubectl's per-kind describers are not reproduced).

const indent = (text: string, by = '  ') =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => by + l)
    .join('\n');

const pairs = (record?: Record<string, string>) => {
  const entries = Object.entries(record ?? {});
  if (!entries.length) return '<none>';
  return entries.map(([k, v], i) => `${i ? ' '.repeat(13) : ''}${k}=${v}`).join('\n');
};

export async function run(inv: Invocation): Promise<void> {
  const [type, ...names] = inv.args;
  const { client, namespace } = connection(inv);
  const out: string[] = [];
  for (const g of splitTypeArgs(type, names)) {
    const info = await client.resolve(g.type);
    const api = client.resource<KubeObject>(info);
    const objects = g.names.length
      ? await Promise.all(g.names.map((n) => api.get(n, { namespace })))
      : (
          await api.list({
            namespace: inv.options.allNamespaces ? undefined : namespace,
            labelSelector: inv.options.selector as string | undefined,
          })
        ).items;
    for (const object of objects) {
      const m = object.metadata ?? {};
      const lines = [`Name:         ${m.name}`];
      if (m.namespace) lines.push(`Namespace:    ${m.namespace}`);
      lines.push(
        `Kind:         ${info.kind}`,
        `Labels:       ${pairs(m.labels)}`,
        `Annotations:  ${pairs(m.annotations)}`,
      );
      lines.push(`Created:      ${m.creationTimestamp ?? ''}`, `UID:          ${m.uid ?? ''}`);
      for (const owner of m.ownerReferences ?? []) lines.push(`Controlled By:  ${owner.kind}/${owner.name}`);
      for (const section of ['spec', 'status', 'data', 'rules', 'subjects', 'roleRef'] as const) {
        const value = object[section];
        if (value === undefined || (typeof value === 'object' && value && !Object.keys(value).length)) continue;
        lines.push(`${section[0].toUpperCase()}${section.slice(1)}:`, indent(await toYaml(value)));
      }
      const events = await client
        .resource<KubeObject>('events')
        .list({
          namespace: m.namespace ?? 'default',
          fieldSelector: `involvedObject.name=${m.name},involvedObject.kind=${info.kind}`,
        })
        .then((l) => l.items)
        .catch(() => []);
      if (!events.length) lines.push('Events:       <none>');
      else {
        lines.push('Events:');
        for (const e of events)
          lines.push(`  ${String(e.type ?? '')}\t${String(e.reason ?? '')}\t${String(e.message ?? '')}`);
      }
      out.push(lines.join('\n'));
    }
  }
  process.stdout.write(out.join('\n\n\n') + '\n');
}
