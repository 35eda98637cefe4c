import { readFileSync, writeFileSync } from 'node:fs';
import type { RestoreReport } from '@entroos/client';
import { CheckFailed, UsageError } from '../errors.js';
import type { Invocation } from '../main.js';
import { formatTable } from '../output.js';
import { connection } from './common.js';

export async function create(inv: Invocation): Promise<void> {
  const { client } = connection(inv);
  const { name, file } = await client.entroos.backups.create();
  const out = (inv.options.output as string | undefined) ?? name;
  writeFileSync(out, file, { mode: 0o600 });
  process.stdout.write(`wrote ${out} (${file.length} bytes); stored on the server as ${name}\n`);
}

export async function list(inv: Invocation): Promise<void> {
  const { client } = connection(inv);
  const items = await client.entroos.backups.list();
  if (!items.length) return void process.stderr.write('No backups stored on the server\n');
  const rows = [['NAME', 'BYTES', 'RESOURCEVERSION', 'CREATED', 'OBJECTS']];
  for (const b of items)
    rows.push(
      b.manifest
        ? [
            b.name,
            String(b.bytes),
            String(b.manifest.resourceVersion),
            b.manifest.createdAt,
            String(Object.values(b.manifest.counts).reduce((a, n) => a + n, 0)),
          ]
        : [b.name, String(b.bytes), '<unreadable>', '', b.error ?? ''],
    );
  process.stdout.write(formatTable(rows));
}

export async function download(inv: Invocation): Promise<void> {
  const { client } = connection(inv);
  const name = inv.args[0];
  const file = await client.entroos.backups.download(name);
  const out = (inv.options.output as string | undefined) ?? name;
  writeFileSync(out, file, { mode: 0o600 });
  process.stdout.write(`wrote ${out} (${file.length} bytes)\n`);
}

/** The restore report: the backup, then added / changed / removed per kind, then the totals. */
export function reportLines(report: RestoreReport, names = 10): string[] {
  const b = report.backup;
  const lines = [
    `backup of ${b.createdAt} at resourceVersion ${b.resourceVersion} (EntroOS ${b.entroosVersion}, signed by ${b.signerKeyId})`,
  ];
  const rows = [['KIND', 'ADDED', 'CHANGED', 'REMOVED', 'UNCHANGED']];
  const details: string[] = [];
  for (const [kind, d] of Object.entries(report.diff)) {
    rows.push([kind, String(d.added.length), String(d.changed.length), String(d.removed.length), String(d.unchanged)]);
    for (const [label, list] of [
      ['added', d.added],
      ['changed', d.changed],
      ['removed', d.removed],
    ] as const)
      if (list.length)
        details.push(
          `  ${kind} ${label}: ${list.slice(0, names).join(', ')}${list.length > names ? `, … (${list.length - names} more)` : ''}`,
        );
  }
  lines.push(formatTable(rows).trimEnd(), ...details);
  const t = report.totals;
  lines.push(
    `${report.dryRun ? 'dry run: would' : 'did'} add ${t.added}, change ${t.changed}, remove ${t.removed}; ${t.unchanged} unchanged`,
  );
  return lines;
}

export async function restore(inv: Invocation): Promise<void> {
  const { client } = connection(inv);
  const arg = inv.args[0];
  const o = inv.options as { dryRun?: boolean; trustKey?: string[] };
  const file = arg.startsWith('server:') ? await client.entroos.backups.download(arg.slice(7)) : readFileSync(arg);
  const report = await client.entroos.backups.restore(file, { dryRun: !!o.dryRun, trustKeyIds: o.trustKey });
  process.stdout.write(reportLines(report).join('\n') + '\n');
}

export async function exportNs(inv: Invocation): Promise<void> {
  const { client, namespace } = connection(inv);
  if (!inv.global.namespace) throw new UsageError('name the namespace: entroos export -n NAMESPACE');
  const yaml = await client.entroos.namespaces.export(namespace, { includeSecrets: !!inv.options.includeSecrets });
  if (inv.options.out) {
    writeFileSync(String(inv.options.out), yaml);
    process.stderr.write(`wrote ${String(inv.options.out)}\n`);
  } else process.stdout.write(yaml);
}

export async function importNs(inv: Invocation): Promise<void> {
  const { client, namespace } = connection(inv);
  if (!inv.global.namespace) throw new UsageError('name the namespace: entroos import FILE -n NAMESPACE');
  const file = inv.args[0];
  const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  const { failed, items } = await client.entroos.namespaces.import(namespace, text);
  for (const i of items)
    process.stdout.write(
      `${i.kind ?? '?'}/${i.name ?? `document ${i.index}`}: ${i.result ?? `error: ${i.status?.message}`}\n`,
    );
  if (failed) throw new CheckFailed(`${failed} of ${items.length} documents failed`);
}

export async function auditVerify(inv: Invocation): Promise<void> {
  const { client } = connection(inv);
  const result = (await client.entroos.audit.verify()) as { ok: boolean; message?: string };
  process.stdout.write(`${result.message ?? (result.ok ? 'ok' : 'the audit trail does not verify')}\n`);
  if (!result.ok) throw new CheckFailed('the audit trail does not verify');
}
