import type { Event, KubeObject, Node, Pod } from '@entroos/client';
import { UsageError } from '../errors.js';
import type { Invocation } from '../main.js';
import { formatTable } from '../output.js';
import { connection, printObjects, withKinds } from './common.js';

export async function logs(inv: Invocation): Promise<void> {
  const pod = inv.args[0].replace(/^(pods?|po)\//, '');
  const o = inv.options as {
    container?: string;
    follow?: boolean;
    tail?: string;
    previous?: boolean;
    timestamps?: boolean;
  };
  const { client, namespace } = connection(inv);
  for await (const line of client.entroos.logs(pod, {
    namespace,
    container: o.container,
    follow: o.follow,
    tailLines: o.tail === undefined ? undefined : Number(o.tail),
    previous: o.previous,
    timestamps: o.timestamps,
  }))
    process.stdout.write(line + '\n');
}

const milli = (q: string | undefined): number => {
  if (!q) return 0;
  if (q.endsWith('m')) return Number(q.slice(0, -1));
  return Number(q) * 1000;
};
const UNITS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  K: 1e3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};
const bytes = (q: string | undefined): number => {
  if (!q) return 0;
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(q);
  return m ? Number(m[1]) * (UNITS[m[2]] ?? 1) : 0;
};
const mi = (b: number) => `${Math.round(b / 2 ** 20)}Mi`;

/** top nodes: the usage EntroOS samples per node; top pods: requests (no per-pod usage metrics are served). */
export async function top(inv: Invocation): Promise<void> {
  const what = inv.args[0];
  const { client, namespace } = connection(inv);
  if (/^(nodes?|no)$/.test(what)) {
    const [nodes, usage] = await Promise.all([
      client.resource('nodes').list(),
      client.entroos.history.nodes().catch(() => ({ items: [] })),
    ]);
    const used = new Map(usage.items.map((u) => [String(u.node), u as { cpuUsed: number; memUsed: number }]));
    const rows = [['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']];
    for (const n of nodes.items as Node[]) {
      const name = n.metadata?.name ?? '';
      if (inv.args[1] && name !== inv.args[1]) continue;
      const u = used.get(name);
      const cpu = milli(String(n.status?.allocatable?.cpu ?? n.status?.capacity?.cpu ?? '0'));
      const mem = bytes(String(n.status?.allocatable?.memory ?? n.status?.capacity?.memory ?? '0'));
      rows.push(
        u
          ? [
              name,
              `${Math.round(u.cpuUsed)}m`,
              `${cpu ? Math.round((u.cpuUsed / cpu) * 100) : 0}%`,
              mi(u.memUsed),
              `${mem ? Math.round((u.memUsed / mem) * 100) : 0}%`,
            ]
          : [name, '<unknown>', '<unknown>', '<unknown>', '<unknown>'],
      );
    }
    process.stdout.write(formatTable(rows));
    return;
  }
  if (/^(pods?|po)$/.test(what)) {
    const list = await client.resource('pods').list({ namespace: inv.options.allNamespaces ? undefined : namespace });
    const rows = [
      [...(inv.options.allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'CPU(requests)', 'MEMORY(requests)', 'NODE'],
    ];
    for (const p of list.items as Pod[]) {
      if (inv.args[1] && p.metadata?.name !== inv.args[1]) continue;
      let cpu = 0;
      let mem = 0;
      for (const c of p.spec?.containers ?? []) {
        cpu += milli(String(c.resources?.requests?.cpu ?? ''));
        mem += bytes(String(c.resources?.requests?.memory ?? ''));
      }
      rows.push([
        ...(inv.options.allNamespaces ? [p.metadata?.namespace ?? ''] : []),
        p.metadata?.name ?? '',
        `${cpu}m`,
        mi(mem),
        p.spec?.nodeName ?? '<none>',
      ]);
    }
    process.stdout.write(formatTable(rows));
    return;
  }
  throw new UsageError(`top shows nodes or pods (got "${what}")`);
}

function ago(time?: string): string {
  if (!time) return '<unknown>';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(time)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const lastSeen = (e: Event) => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;

/** kubectl events: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, oldest first. */
export async function events(inv: Invocation): Promise<void> {
  const o = inv.options as { allNamespaces?: boolean; for?: string; watch?: boolean; output: string };
  const { client, namespace } = connection(inv);
  let fieldSelector: string | undefined;
  if (o.for) {
    const [type, name] = o.for.split('/');
    if (!name) throw new UsageError('--for takes TYPE/NAME, e.g. --for pod/web');
    const info = await client.resolve(type);
    fieldSelector = `involvedObject.kind=${info.kind},involvedObject.name=${name}`;
  }
  const api = client.resource('events');
  const list = await api.list({ namespace: o.allNamespaces ? undefined : namespace, fieldSelector });
  const items = (list.items as Event[]).sort((a, b) => Date.parse(lastSeen(a) ?? '') - Date.parse(lastSeen(b) ?? ''));
  const row = (e: Event) => [
    ...(o.allNamespaces ? [e.metadata?.namespace ?? ''] : []),
    ago(lastSeen(e)),
    e.type ?? '',
    e.reason ?? '',
    `${(e.involvedObject.kind ?? '').toLowerCase()}/${e.involvedObject.name ?? ''}`,
    (e.message ?? '').replace(/\n/g, ' '),
  ];
  if (
    await printObjects(
      o.output,
      withKinds(items as unknown as KubeObject[], {
        group: '',
        version: 'v1',
        kind: 'Event',
        plural: 'events',
        namespaced: true,
      }),
      false,
    )
  )
    return;
  if (!items.length && !o.watch)
    process.stderr.write(o.allNamespaces ? 'No events found.\n' : `No events found in ${namespace} namespace.\n`);
  else
    process.stdout.write(
      formatTable([
        [...(o.allNamespaces ? ['NAMESPACE'] : []), 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
        ...items.map(row),
      ]),
    );
  if (!o.watch) return;
  for await (const event of api.watch({
    namespace: o.allNamespaces ? undefined : namespace,
    fieldSelector,
    resourceVersion: list.metadata.resourceVersion,
  }))
    if (event.type !== 'DELETED') process.stdout.write(formatTable([row(event.object as Event)]));
}
