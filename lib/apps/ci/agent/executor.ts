import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AgentExecutor, AgentExecutorContext } from '../../../kubelet/agent-executors.ts';
import type { ExecutionRequest, ExecutionResult } from '../../../kubelet/executor.ts';
import { CACHE_DIR, EXECUTOR, parsePlan, PLAN_ANNOTATION, type ExecPlan } from '../exec-plan.ts';
import { confine } from '../../../kubelet/sandbox.ts';
import { DEFAULT_LIMITS, runProcess } from './process.ts';

// `nko --exec ci`: the agent runs the steps that ask for it (exec: true) as processes on its machine, as the
// user the agent runs as, in the agent's sandbox (--isolation: lib/kubelet/sandbox.ts) when it has one. Each attempt gets a fresh working directory under the agent's --work-dir (removed
// afterwards); its input artifacts are fetched there first (checked against their digests), its cache directory
// restored; then the script runs with the container's environment (Secrets included) and nothing of the agent's
// own beyond PATH, HOME, LANG and TMPDIR — never the agent's token. After a 0 exit its declared outputs and its
// cache are uploaded to the server, which notes their digests on the pod for the controller. Every failure ends
// as the container's exit code with the reason in its log.

export const ciAgentExecutor: AgentExecutor = {
  name: EXECUTOR,
  description: 'CI steps with exec: true run as local processes',
  create: (ctx) => [{ name: EXECUTOR, run: (req) => runStep(ctx, req) }],
};

const PASSED_THROUGH = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'USER', 'SHELL'];

class StepError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

async function runStep(ctx: AgentExecutorContext, req: ExecutionRequest): Promise<ExecutionResult> {
  const plan = parsePlan(req.annotations[PLAN_ANNOTATION]);
  if (!plan) {
    req.log(`error: the pod has no readable ${PLAN_ANNOTATION} annotation: it was not made by the CI controller`);
    return { exitCode: 2 };
  }
  const root = join(ctx.workDir, 'ci');
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, `${req.pod.slice(0, 60)}-`));
  const api = serverApi(ctx, req);
  try {
    for (const input of plan.inputs) {
      const content = await api.download(input.artifact);
      if (!content) throw new StepError(`input ${input.artifact} is not stored on the server`);
      const actual = `sha256:${createHash('sha256').update(content).digest('hex')}`;
      if (actual !== input.digest)
        throw new StepError(`input ${input.artifact} hashes to ${actual}, not ${input.digest}: refusing it`);
      await mkdir(dirname(join(dir, input.path)), { recursive: true });
      await writeFile(join(dir, input.path), content);
      req.log(`# input ${input.artifact} (${content.length} bytes, ${input.digest}) → ${input.path}`);
    }
    const cacheDir = join(dir, CACHE_DIR);
    await mkdir(cacheDir);
    const restoredKey = plan.cache ? await restoreCache(plan.cache, cacheDir, api, req) : undefined;
    const env: Record<string, string> = {};
    for (const name of PASSED_THROUGH) if (process.env[name] !== undefined) env[name] = process.env[name] as string;
    Object.assign(env, req.env, { CI_WORKSPACE: dir, CI_CACHE_DIR: cacheDir, CI_NODE: req.node });
    const confined = confine(
      [...req.command, ...req.args],
      ctx.isolation,
      { workspace: dir, hide: [ctx.workDir] },
      env,
    );
    const outcome = await runProcess(
      confined.argv,
      { cwd: dir, env: confined.env, signal: req.signal, log: req.log },
      { ...DEFAULT_LIMITS, timeoutMs: plan.timeoutSeconds * 1000 },
    );
    if (outcome.exitCode !== 0 || req.signal.aborted) return { exitCode: outcome.exitCode || 1 };
    for (const output of plan.outputs) {
      const path = join(dir, output.path);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) throw new StepError(`output ${output.name}: the step left no file at ${output.path}`);
      const stored = await api.upload(`outputs/${output.name}`, await readFile(path));
      req.log(`# output ${output.name} (${stored.size} bytes, ${stored.digest}) uploaded`);
    }
    if (plan.cache && restoredKey !== plan.cache.keys[0]) await saveCache(plan.cache, cacheDir, api, req);
    return { exitCode: 0 };
  } catch (err) {
    if (req.signal.aborted) return { exitCode: 143 };
    req.log(`error: ${(err as Error).message}`);
    return { exitCode: err instanceof StepError ? err.exitCode : 1 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The server's CI endpoints, as this agent (its token) for this step's pod. */
function serverApi(ctx: AgentExecutorContext, req: ExecutionRequest) {
  const base = `${ctx.server}/apis/ci.entroos.io/v1/namespaces/${encodeURIComponent(req.namespace)}`;
  const headers = { authorization: `Bearer ${ctx.token}` };
  const refused = async (what: string, res: Response) => {
    const body = (await res.json().catch(() => undefined)) as { message?: string } | undefined;
    return new StepError(`${what}: the server answered ${res.status}${body?.message ? `: ${body.message}` : ''}`);
  };
  return {
    async download(artifact: string): Promise<Buffer | undefined> {
      const res = await fetch(`${base}/artifacts/${encodeURIComponent(artifact)}/content`, {
        headers,
        signal: req.signal,
      });
      if (res.status === 404) return undefined;
      if (!res.ok) throw await refused(`fetching ${artifact}`, res);
      return Buffer.from(await res.arrayBuffer());
    },
    async upload(what: string, content: Buffer): Promise<{ digest: string; size: number }> {
      const res = await fetch(`${base}/steppods/${encodeURIComponent(req.pod)}/${what}`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        body: new Uint8Array(content),
        signal: req.signal,
      });
      if (!res.ok) throw await refused(`uploading ${what}`, res);
      return (await res.json()) as { digest: string; size: number };
    },
  };
}

type Api = ReturnType<typeof serverApi>;

/** Restores the first cache key that has one into `cacheDir`; answers that key. A failure is only logged. */
async function restoreCache(
  cache: NonNullable<ExecPlan['cache']>,
  cacheDir: string,
  api: Api,
  req: ExecutionRequest,
): Promise<string | undefined> {
  for (const [i, artifact] of cache.artifacts.entries()) {
    try {
      const tar = await api.download(artifact);
      if (!tar) continue;
      await tarRun(['-xzf', '-', '-C', cacheDir], tar);
      req.log(`# cache restored from key "${cache.keys[i]}" (${tar.length} bytes)`);
      return cache.keys[i];
    } catch (err) {
      req.log(`# cache "${cache.keys[i]}" could not be restored: ${(err as Error).message}`);
    }
  }
  req.log(`# no cache for ${cache.keys.map((k) => `"${k}"`).join(', ')}`);
  return undefined;
}

async function saveCache(cache: NonNullable<ExecPlan['cache']>, cacheDir: string, api: Api, req: ExecutionRequest) {
  try {
    if (!(await readdir(cacheDir)).length) return;
    const tar = await tarRun(['-czf', '-', '-C', cacheDir, '.']);
    await api.upload('cache', tar);
    req.log(`# cache saved under key "${cache.keys[0]}" (${tar.length} bytes)`);
  } catch (err) {
    req.log(`# cache "${cache.keys[0]}" was not saved: ${(err as Error).message}`);
  }
}

/** Runs the system's tar with `input` on stdin, answering its stdout. */
function tarRun(args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new Error(`tar could not run: ${e.message}`)));
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`tar exited ${code}: ${err.trim()}`)),
    );
    child.stdin.end(input);
  });
}
