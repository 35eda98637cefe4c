import { appendFileSync } from 'node:fs';
import { Client } from '@entroos/client';
import { parseParams } from './params.ts';

// The GitHub Action (action.yml): starts a PipelineRun through the SDK with the commit it was triggered by, follows
// it until it finishes, prints each step's outcome, and sets the `run` and `phase` outputs. The job fails when the
// run does not succeed, or with a one-line message when the server refuses (GitHub's ::error:: annotation).

interface StepStatus {
  name: string;
  phase: string;
  attempts?: number;
  exitCode?: number;
  message?: string;
}
interface Run {
  metadata: { name?: string; generateName?: string; namespace?: string };
  spec: {
    pipeline: string;
    params?: Record<string, string>;
    trigger?: { type: string; event?: string; repository?: string; ref?: string; sha?: string; sender?: string };
  };
  status?: { phase: string; message?: string; steps?: StepStatus[] };
}

const FINISHED = new Set(['Succeeded', 'Failed', 'Cancelled']);

/** An input as GitHub passes it: INPUT_<NAME> with the name upper-cased (hyphens kept). */
function input(name: string, fallback?: string): string {
  const value = process.env[`INPUT_${name.toUpperCase()}`]?.trim();
  if (value) return value;
  if (fallback !== undefined) return fallback;
  throw new Error(`the input "${name}" is required`);
}

function output(name: string, value: string) {
  const file = process.env.GITHUB_OUTPUT;
  if (file) appendFileSync(file, `${name}=${value}\n`);
  console.log(`${name}: ${value}`);
}

async function main() {
  const namespace = input('namespace', 'default');
  const pipeline = input('pipeline');
  const timeoutMs = Number(input('timeout-seconds', '1800')) * 1000;
  const client = new Client({ server: input('server'), token: input('token'), namespace });
  const runs = client.resource<Run>('pipelineruns.ci.entroos.io');
  const created = await runs.create(
    {
      metadata: { generateName: `${pipeline}-` },
      spec: {
        pipeline,
        params: parseParams(input('params', '')),
        trigger: {
          type: 'github',
          event: process.env.GITHUB_EVENT_NAME,
          repository: process.env.GITHUB_REPOSITORY,
          ref: process.env.GITHUB_REF,
          sha: process.env.GITHUB_SHA,
          sender: process.env.GITHUB_ACTOR,
        },
      },
    },
    { namespace },
  );
  const name = created.metadata.name ?? '';
  output('run', name);
  console.log(`started ${namespace}/${name} of pipeline ${pipeline}`);
  if (input('wait', 'true') !== 'true') {
    output('phase', created.status?.phase ?? 'Pending');
    return;
  }
  const deadline = Date.now() + timeoutMs;
  const reported = new Set<string>();
  for (;;) {
    const run = await runs.get(name, { namespace });
    for (const step of run.status?.steps ?? []) {
      if (!FINISHED.has(step.phase) && step.phase !== 'Skipped') continue;
      if (reported.has(step.name)) continue;
      reported.add(step.name);
      const code = step.exitCode !== undefined ? `, exit code ${step.exitCode}` : '';
      console.log(`  ${step.name}: ${step.phase}${code}${step.message ? ` — ${step.message}` : ''}`);
    }
    const phase = run.status?.phase ?? 'Pending';
    if (FINISHED.has(phase)) {
      output('phase', phase);
      if (phase !== 'Succeeded')
        throw new Error(
          `run ${namespace}/${name} ${phase.toLowerCase()}${run.status?.message ? `: ${run.status.message}` : ''}`,
        );
      console.log(`run ${namespace}/${name} succeeded`);
      return;
    }
    if (Date.now() > deadline) {
      output('phase', phase);
      throw new Error(`run ${namespace}/${name} did not finish within ${timeoutMs / 1000} s (it goes on)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

main().catch((err: Error) => {
  console.log(`::error::${err.message}`);
  process.exitCode = 1;
});
