import { writeFileSync } from 'node:fs';
import type { Client } from '@entroos/client';
import { CheckFailed, UsageError } from '../errors.js';
import type { Invocation } from '../main.js';
import { formatTable, toJson, toYaml } from '../output.js';
import { connection } from './common.js';

// `entroos ci run|logs|cancel|artifacts`: the CI application (docs/apps/ci.md) through its resources and its
// artifact content route.

interface StepStatus {
  name: string;
  phase: string;
  attempts: number;
  exitCode?: number;
  node?: string;
  message?: string;
  log?: string;
  startTime?: string;
  completionTime?: string;
}

interface Run {
  metadata: { name: string; namespace: string };
  spec: { pipeline: string; cancelled?: boolean };
  status?: { phase: string; message?: string; steps: StepStatus[] };
}

interface Artifact {
  metadata: { name: string };
  spec: { digest: string; size: number; mediaType: string; step: string; output: string; run: string };
}

const base = (namespace: string) => `/apis/ci.entroos.io/v1/namespaces/${encodeURIComponent(namespace)}`;
const FINISHED = new Set(['Succeeded', 'Failed', 'Cancelled']);

function stepsTable(run: Run): string {
  const rows = [['STEP', 'PHASE', 'ATTEMPTS', 'EXIT', 'NODE', 'MESSAGE']];
  for (const s of run.status?.steps ?? [])
    rows.push([
      s.name,
      s.phase,
      String(s.attempts),
      s.exitCode === undefined ? '' : String(s.exitCode),
      s.node ?? '',
      s.message ?? '',
    ]);
  return formatTable(rows);
}

async function waitFor(client: Client, namespace: string, name: string, timeoutSeconds: number): Promise<Run> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let last = '';
  for (;;) {
    const run = await client.request<Run>({ path: `${base(namespace)}/pipelineruns/${encodeURIComponent(name)}` });
    const phases = (run.status?.steps ?? []).map((s) => `${s.name}=${s.phase}`).join(' ');
    if (phases !== last && process.stderr.isTTY) process.stderr.write(`${run.status?.phase ?? 'Pending'}: ${phases}\n`);
    last = phases;
    if (FINISHED.has(run.status?.phase ?? '')) return run;
    if (Date.now() > deadline) throw new CheckFailed(`run ${name} did not finish in ${timeoutSeconds}s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Starts a run of a pipeline; with --wait, follows it and fails (exit 6) unless it succeeds. */
export async function run(inv: Invocation): Promise<void> {
  const o = inv.options as { param?: string[]; wait?: boolean; timeout: string; output: string };
  const [pipeline] = inv.args;
  const params: Record<string, string> = {};
  for (const p of o.param ?? []) {
    const eq = p.indexOf('=');
    if (eq < 1) throw new UsageError(`--param ${p}: expected NAME=VALUE`);
    params[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const { client, namespace } = connection(inv);
  const created = await client.request<Run>({
    method: 'POST',
    path: `${base(namespace)}/pipelineruns`,
    body: {
      apiVersion: 'ci.entroos.io/v1',
      kind: 'PipelineRun',
      metadata: { generateName: `${pipeline.slice(0, 40)}-` },
      spec: { pipeline, params, trigger: { type: 'manual' } },
    },
  });
  process.stdout.write(`pipelinerun.ci.entroos.io/${created.metadata.name} created\n`);
  if (!o.wait) return;
  const done = await waitFor(client, namespace, created.metadata.name, Number(o.timeout));
  if (o.output === 'json') process.stdout.write(toJson(done));
  else if (o.output === 'yaml') process.stdout.write(await toYaml(done));
  else process.stdout.write(stepsTable(done));
  if (done.status?.phase !== 'Succeeded')
    throw new CheckFailed(`run ${created.metadata.name} ${done.status?.phase}: ${done.status?.message ?? ''}`);
}

/** A run's step logs, kept in the run after the pods are gone. */
export async function logs(inv: Invocation): Promise<void> {
  const [name, step] = inv.args;
  const { client, namespace } = connection(inv);
  const r = await client.request<Run>({ path: `${base(namespace)}/pipelineruns/${encodeURIComponent(name)}` });
  const steps = (r.status?.steps ?? []).filter((s) => !step || s.name === step);
  if (step && !steps.length) throw new UsageError(`run ${name} has no step ${step}`);
  for (const s of steps) {
    if (!step) process.stdout.write(`==> ${s.name} (${s.phase}) <==\n`);
    process.stdout.write(
      s.log ?? (s.phase === 'Running' ? '(running: the log is kept when the attempt ends)\n' : '(no log)\n'),
    );
  }
}

export async function cancel(inv: Invocation): Promise<void> {
  const [name] = inv.args;
  const { client, namespace } = connection(inv);
  await client.request({
    method: 'PATCH',
    path: `${base(namespace)}/pipelineruns/${encodeURIComponent(name)}`,
    body: { spec: { cancelled: true } },
    contentType: 'application/merge-patch+json',
  });
  process.stdout.write(`pipelinerun.ci.entroos.io/${name} cancelled\n`);
}

/** A run's artifacts; --download NAME writes one's content (to -O FILE, else standard output). */
export async function artifacts(inv: Invocation): Promise<void> {
  const o = inv.options as { download?: string; outputFile?: string; output: string };
  const [name] = inv.args;
  const { client, namespace } = connection(inv);
  if (o.download) {
    const { data } = await client.bytes({
      path: `${base(namespace)}/artifacts/${encodeURIComponent(o.download)}/content`,
      accept: '*/*',
    });
    if (o.outputFile) {
      writeFileSync(o.outputFile, data);
      process.stderr.write(`wrote ${data.length} bytes to ${o.outputFile}\n`);
    } else process.stdout.write(data);
    return;
  }
  if (!name) throw new UsageError('name a run, or --download ARTIFACT');
  const list = await client.request<{ items: Artifact[] }>({
    path: `${base(namespace)}/artifacts`,
    query: { labelSelector: `ci.entroos.io/run=${name}` },
  });
  if (o.output === 'json') return void process.stdout.write(toJson(list));
  if (o.output === 'yaml') return void process.stdout.write(await toYaml(list));
  const rows = [['NAME', 'STEP', 'OUTPUT', 'DIGEST', 'SIZE', 'MEDIA TYPE']];
  for (const a of list.items)
    rows.push([a.metadata.name, a.spec.step, a.spec.output, a.spec.digest, String(a.spec.size), a.spec.mediaType]);
  if (list.items.length) process.stdout.write(formatTable(rows));
  else process.stderr.write(`No artifacts for run ${name}\n`);
}
