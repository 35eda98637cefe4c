import type { KubeObject, ResourceInfo, Table } from '@entroos/client';
import { formatTable, tableRows } from '../output.js';
import type { Invocation } from '../main.js';
import { connection, printObjects, splitTypeArgs, withKinds } from './common.js';

export async function run(inv: Invocation): Promise<void> {
  const [type, ...names] = inv.args;
  const o = inv.options as {
    output: string;
    allNamespaces?: boolean;
    selector?: string;
    fieldSelector?: string;
    watch?: boolean;
    watchOnly?: boolean;
    headers: boolean;
    showLabels?: boolean;
    showManagedFields?: boolean;
  };
  const { client, namespace } = connection(inv);
  const groups = splitTypeArgs(type, names);
  const format = o.output ?? 'table';
  const machine = format !== 'table' && format !== 'wide';
  const several = groups.length > 1 || (machine && groups.some((g) => g.names.length !== 1));
  const listNs = o.allNamespaces ? undefined : namespace;
  const infos = await Promise.all(groups.map((g) => client.resolve(g.type)));
  if (machine) {
    const objects: KubeObject[] = [];
    for (const [i, g] of groups.entries()) {
      const api = client.resource(infos[i]);
      if (g.names.length)
        for (const name of g.names)
          objects.push(...withKinds([(await api.get(name, { namespace })) as KubeObject], infos[i]));
      else {
        const list = await api.list({ namespace: listNs, labelSelector: o.selector, fieldSelector: o.fieldSelector });
        objects.push(...withKinds(list.items as KubeObject[], infos[i]));
      }
    }
    await printObjects(format, objects, !several && groups[0].names.length === 1, infos[0].kind, o.showManagedFields);
    if (o.watch || o.watchOnly) await watch(inv, infos[0], listNs, o, true);
    return;
  }
  let printedAny = false;
  const blocks: string[] = [];
  for (const [i, g] of groups.entries()) {
    const info = infos[i];
    const api = client.resource(info);
    const prefix = groups.length > 1 ? kindPrefix(info) : undefined;
    const tableOptions = {
      wide: format === 'wide',
      withNamespace: !!o.allNamespaces && info.namespaced,
      kindPrefix: prefix,
      noHeaders: !o.headers,
      showLabels: o.showLabels,
    };
    let table: Table | undefined;
    if (o.watchOnly) continue;
    // Rows need their objects' metadata only for the namespace and labels columns.
    const includeObject = tableOptions.withNamespace || o.showLabels ? 'Metadata' : 'None';
    if (g.names.length) {
      const tables = await Promise.all(g.names.map((name) => api.table({ namespace, name, includeObject })));
      table = { ...tables[0], rows: tables.flatMap((t) => t.rows) };
    } else
      table = await api.table({
        namespace: listNs,
        labelSelector: o.selector,
        fieldSelector: o.fieldSelector,
        includeObject,
      });
    if (!table.rows.length) continue;
    printedAny = true;
    blocks.push(formatTable(tableRows(table, tableOptions)));
  }
  if (blocks.length) process.stdout.write(blocks.join('\n'));
  if (!printedAny && !o.watchOnly)
    process.stderr.write(
      o.allNamespaces || !infos.every((i) => i.namespaced)
        ? 'No resources found\n'
        : `No resources found in ${namespace} namespace.\n`,
    );
  if (o.watch || o.watchOnly) await watch(inv, infos[0], listNs, o, false);
}

function kindPrefix(info: ResourceInfo): string {
  return `${info.kind.toLowerCase()}${info.group ? `.${info.group}` : ''}`;
}

/** -w: the changes after the list, one row (or object) each, as kubectl -w prints them. */
async function watch(
  inv: Invocation,
  info: ResourceInfo,
  namespace: string | undefined,
  o: { output: string; selector?: string; fieldSelector?: string; allNamespaces?: boolean },
  machine: boolean,
): Promise<void> {
  const { client } = connection(inv);
  const api = client.resource<KubeObject>(info);
  const list = await api.list({ namespace, labelSelector: o.selector, fieldSelector: o.fieldSelector, limit: 1 });
  const query = {
    namespace,
    labelSelector: o.selector,
    fieldSelector: o.fieldSelector,
    resourceVersion: list.metadata.resourceVersion,
    allowWatchBookmarks: false,
  };
  if (machine) {
    for await (const event of api.watch(query))
      await printObjects(o.output, withKinds([event.object], info), true, info.kind);
    return;
  }
  // The server renders each event's object as a one-row Table, as for kubectl get -w.
  for await (const event of api.watchTable(query)) {
    const rows = tableRows(event.object, {
      wide: o.output === 'wide',
      withNamespace: !!o.allNamespaces && info.namespaced,
      noHeaders: true,
    });
    process.stdout.write(formatTable(rows));
  }
}
