import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import type { LabRequest, NodeDetail } from '@entroos/client';
import { colors } from '../colors.js';
import { UsageError } from '../errors.js';
import type { Invocation } from '../main.js';
import { formatTable, toJson, toYaml } from '../output.js';
import { connection } from './common.js';

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line chart of the values (scaled between their minimum and maximum). */
export function sparkline(values: number[], width = 30): string {
  if (!values.length) return '';
  const step = Math.max(1, values.length / width);
  const picked: number[] = [];
  for (let i = 0; i < values.length && picked.length < width; i += step) picked.push(values[Math.floor(i)]);
  const min = Math.min(...picked);
  const max = Math.max(...picked);
  return picked.map((v) => BARS[max === min ? 0 : Math.round(((v - min) / (max - min)) * (BARS.length - 1))]).join('');
}

const fixed = (n: number | undefined, digits = 3) => (n === undefined ? '-' : n.toFixed(digits));

export async function why(inv: Invocation): Promise<void> {
  const arg = inv.args[0].replace(/^(pods?|po)\//, '');
  const { client, namespace } = connection(inv);
  const pod = arg.includes('/') ? arg : `${namespace}/${arg}`;
  const d = await client.entroos.scheduler.decision(pod);
  const format = inv.options.output as string;
  if (format === 'json') return void process.stdout.write(toJson(d));
  if (format === 'yaml') return void process.stdout.write(await toYaml(d));
  const c = colors();
  const result = d.result === 'Scheduled' ? c.green(d.result) : c.red(d.result);
  const lines = [
    `${c.bold('Pod:')}       ${d.pod}`,
    `${c.bold('Result:')}    ${result}${d.node ? ` on ${c.bold(d.node)}` : ''}  (profile ${d.profile}, ${d.at}, ${d.durationMs.toFixed(2)} ms)`,
    `${c.bold('Message:')}   ${d.message}`,
    `${c.bold('Nodes:')}     ${d.nodes} in the cluster, ${d.evaluated} evaluated, ${d.feasible} feasible`,
    `${c.bold('Entropy:')}   ${fixed(d.entropyBefore)} before → ${fixed(d.entropyAfter)} after`,
  ];
  const reasons = Object.entries(d.filterReasons ?? {});
  if (reasons.length) {
    lines.push('', c.bold('Filtered out:'));
    for (const [reason, count] of reasons.sort((a, b) => b[1] - a[1])) lines.push(`  ${count} × ${reason}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  const detail: NodeDetail[] = d.detail ?? [];
  const feasible = detail.filter((n) => n.feasible).sort((a, b) => (b.total ?? 0) - (a.total ?? 0));
  if (feasible.length) {
    const plugins = [...new Set(feasible.flatMap((n) => Object.keys(n.scores ?? {})))].sort();
    const rows = [['NODE', ...plugins.map((p) => p.toUpperCase()), 'TOTAL', 'ENTROPY AFTER']];
    for (const n of feasible.slice(0, 20))
      rows.push([
        n.node === d.node ? `${n.node} *` : n.node,
        ...plugins.map((p) => (n.scores?.[p] ? `${Math.round(n.scores[p].normalized)}×${n.scores[p].weight}` : '-')),
        String(Math.round(n.total ?? 0)),
        fixed(n.entropyAfter),
      ]);
    process.stdout.write(`\n${c.bold('Scores (normalized × weight), best first:')}\n${formatTable(rows)}`);
  } else if (d.top?.length) {
    const rows = [
      ['NODE', 'SCORE', 'ENTROPY AFTER'],
      ...d.top.map((t) => [t.node, String(Math.round(t.score)), fixed(t.entropyAfter)]),
    ];
    process.stdout.write(`\n${c.bold('Best nodes:')}\n${formatTable(rows)}`);
  }
  const filtered = detail.filter((n) => !n.feasible);
  if (filtered.length) {
    const rows = [
      ['NODE', 'PLUGIN', 'REASON'],
      ...filtered.slice(0, 20).map((n) => [n.node, n.plugin ?? '', n.reason ?? '']),
    ];
    process.stdout.write(
      `\n${c.bold('Filtered nodes:')}\n${formatTable(rows)}${filtered.length > 20 ? `… and ${filtered.length - 20} more\n` : ''}`,
    );
  }
}

export async function labRun(inv: Invocation): Promise<void> {
  const file = inv.args[0];
  const request = parse(file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8')) as LabRequest;
  if (!request || typeof request !== 'object')
    throw new UsageError(`${file} is not a lab request (YAML or JSON object)`);
  if (inv.options.profiles) request.profiles = String(inv.options.profiles).split(',').filter(Boolean);
  if (inv.options.seed !== undefined) request.seed = Number(inv.options.seed);
  if (!request.profiles?.length) throw new UsageError('name the profiles: --profiles entropy,pack');
  const { client } = connection(inv);
  const results = await client.entroos.lab.run(request);
  const format = inv.options.output as string;
  if (format === 'json') return void process.stdout.write(toJson(results));
  if (format === 'yaml') return void process.stdout.write(await toYaml(results));
  const rows = [
    ['PROFILE', 'ENTROPY', 'UTIL STDDEV', 'NODES USED', 'SCHEDULED', 'PENDING', 'PODS/S', 'ENTROPY OVER TIME'],
  ];
  for (const r of results)
    rows.push([
      r.profile,
      fixed(r.final.entropy),
      fixed(r.final.utilisationStdDev),
      String(r.final.nodesUsed),
      String(r.final.scheduled),
      String(r.final.pending),
      r.podsPerSecond.toFixed(1),
      sparkline(r.samples.map((s) => s.entropy)),
    ]);
  process.stdout.write(formatTable(rows));
}
