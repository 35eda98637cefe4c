import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { AgentExecutorContext } from '../../kubelet/agent-executors.ts';
import type { ContainerExecutor, ExecutionRequest, ExecutionResult } from '../../kubelet/executor.ts';
import { convertFile, ConversionError, engineAvailability } from './engines/index.ts';
import { formatOf, isFormat } from './engines/formats.ts';
import { progressThrottle } from './executor.ts';
import type { RunEvent, RunTask } from './http.ts';
import { DIGEST_HEADER, EXECUTOR_NAME, GROUP, IMAGE_PREFIX, UPLOADS_PATH } from './types.ts';

// `nko --exec convert` (agent.ts loads this only then): the agent's nodes run the conversion engines (images, documents, data, and office documents
// when LibreOffice is installed here) for the conversion pods placed on them. The agent shares no disk with the
// server: for each pod it asks the run API what to convert (which marks the run started), downloads the input
// (checking its digest), converts it here under the run-time limit, uploads the output with tus and reports its
// digest, all with the agent's token; the server signs the attestation, naming the node and pod from its own
// objects. A failure is reported with the engine's reason, and the container exits 1 with it in its log.

/** The agent's conversion executor, once it has said which engines it has. */
export async function agentConvertExecutors(ctx: AgentExecutorContext): Promise<ContainerExecutor[]> {
  for (const engine of await engineAvailability())
    ctx.log.info(
      { engine: engine.name, version: engine.version, problem: engine.problem },
      engine.ok ? 'conversion engine available' : 'conversion engine unavailable',
    );
  return [{ name: EXECUTOR_NAME, imagePrefix: IMAGE_PREFIX, run: (req) => runRemote(ctx, req) }];
}

class RunApi {
  constructor(
    private readonly ctx: AgentExecutorContext,
    private readonly req: ExecutionRequest,
  ) {}

  private get auth() {
    return { Authorization: `Bearer ${this.ctx.token}` };
  }

  /** Sends one run event; answers the response's JSON (or undefined for 204). */
  async event(event: RunEvent): Promise<unknown> {
    const url = `${this.ctx.server}/apis/${GROUP}/v1/namespaces/${encodeURIComponent(this.req.namespace)}/conversionruns/${encodeURIComponent(this.req.pod)}`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...this.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(event),
      signal: this.req.signal,
    });
    if (!res.ok) throw new Error(`the server refused the ${event.event} event: ${await statusMessage(res)}`);
    return res.status === 204 ? undefined : res.json();
  }

  /** Streams a stored file to `path`, checking it hashes to `digest`. */
  async download(digest: string, path: string): Promise<void> {
    const res = await fetch(`${this.ctx.server}/apis/entroos.io/v1/files/${digest}`, {
      headers: this.auth,
      signal: this.req.signal,
    });
    if (!res.ok || !res.body) throw new Error(`could not download the input ${digest}: ${await statusMessage(res)}`);
    const hash = createHash('sha256');
    await pipeline(
      Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
      new Transform({ transform: (chunk: Buffer, _e, done) => (hash.update(chunk), done(null, chunk)) }),
      createWriteStream(path, { mode: 0o600 }),
    );
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest) throw new Error(`the input downloaded hashes to ${actual}, not ${digest}`);
  }

  /** Uploads `path` with tus (creation, then one streamed PATCH); answers the stored file's digest. */
  async upload(path: string, filename: string): Promise<string> {
    const { size } = await stat(path);
    const tus = { ...this.auth, 'Tus-Resumable': '1.0.0' };
    const created = await fetch(`${this.ctx.server}${UPLOADS_PATH}`, {
      method: 'POST',
      headers: {
        ...tus,
        'Upload-Length': String(size),
        'Upload-Metadata': `filename ${Buffer.from(filename).toString('base64')}`,
      },
      signal: this.req.signal,
    });
    const location = created.headers.get('location');
    if (created.status !== 201 || !location)
      throw new Error(`the server refused the output's upload: ${await statusMessage(created)}`);
    const patched = await fetch(new URL(location, `${this.ctx.server}/`), {
      method: 'PATCH',
      headers: {
        ...tus,
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
        'Content-Length': String(size),
      },
      body: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
      // @ts-expect-error Node's fetch needs duplex for a streamed request body
      duplex: 'half',
      signal: this.req.signal,
    });
    const digest = patched.headers.get(DIGEST_HEADER);
    if (patched.status !== 204 || !digest)
      throw new Error(`the output's upload failed: ${await statusMessage(patched)}`);
    return digest;
  }
}

async function runRemote(ctx: AgentExecutorContext, req: ExecutionRequest): Promise<ExecutionResult> {
  const api = new RunApi(ctx, req);
  const podUid = req.podUid;
  let task: RunTask;
  try {
    task = (await api.event({ event: 'start', podUid })) as RunTask;
  } catch (err) {
    req.log(`error: ${(err as Error).message}`);
    return { exitCode: 2 };
  }
  const root = join(ctx.workDir, 'convert');
  await mkdir(root, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(root, `${req.pod.slice(0, 60)}-`));
  try {
    const from = formatOf(task.input.filename);
    if (!from || !isFormat(task.target))
      throw new ConversionError('UnsupportedPair', `cannot convert ${task.input.filename} to ${task.target}`);
    const inputPath = join(dir, 'input');
    await api.download(task.input.digest, inputPath);
    req.log(
      `converting ${task.input.filename} (${task.input.size} bytes, ${task.input.digest}) to ${task.target} on ${req.node}`,
    );
    const workDir = join(dir, 'work');
    await mkdir(workDir, { mode: 0o700 });
    const result = await convertFile({
      inputPath,
      from,
      to: task.target,
      options: task.options,
      workDir,
      signal: req.signal,
      timeoutMs: task.runTimeoutSeconds * 1000,
      onProgress: progressThrottle(
        (percent) => void api.event({ event: 'progress', podUid, percent }).catch(() => undefined),
      ),
    });
    const digest = await api.upload(result.outputPath, task.outputFilename);
    await api.event({ event: 'output', podUid, digest, engine: result.engine, engineVersion: result.engineVersion });
    req.log(`wrote ${task.outputFilename} (${digest}) with ${result.engineVersion}`);
    return { exitCode: 0 };
  } catch (err) {
    if (req.signal.aborted || (err instanceof ConversionError && err.reason === 'Cancelled')) {
      req.log('error: Cancelled: the conversion was cancelled');
      return { exitCode: 143 };
    }
    const failure =
      err instanceof ConversionError ? err : new ConversionError('EngineFailed', (err as Error).message ?? String(err));
    req.log(`error: ${failure.reason}: ${failure.message}`);
    await api
      .event({
        event: 'failure',
        podUid,
        reason: failure.reason as Exclude<typeof failure.reason, 'Cancelled'>,
        message: failure.message.slice(0, 4000),
      })
      .catch((e: unknown) => req.log(`error: could not report the failure: ${(e as Error).message}`));
    return { exitCode: 1 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function statusMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const status = JSON.parse(text) as { message?: string };
    if (status.message) return `${res.status} ${status.message}`;
  } catch {
    // not a Status
  }
  return `${res.status} ${text.trim().slice(0, 300) || res.statusText}`;
}
