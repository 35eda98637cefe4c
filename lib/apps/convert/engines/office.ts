import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { confine, ISOLATION_CHOICES, resolveIsolation, type Isolation } from '../../../kubelet/sandbox.ts';
import { EXTENSIONS } from './formats.ts';
import { runLimited } from './run-process.ts';
import { ConversionError, type ConvertRequest, type ConvertResult, type Engine } from './types.ts';
import { checkInflation, officeKind, readZipDirectory } from './zip-check.ts';

// Office documents → PDF through `soffice --headless --convert-to pdf`, when LibreOffice is installed (detected
// once; listed as unavailable otherwise). Each conversion gets its own LibreOffice profile, so conversions run
// side by side instead of queueing on one shared instance, and its own process group under memory, file-size and
// time limits, sandboxed where bubblewrap works (officeInvocation). The archive is checked for a zip bomb and for
// being the kind of document its name says first.

export const SOFFICE = process.env.ENTROOS_SOFFICE ?? '/usr/bin/soffice';
export const OFFICE_MEMORY_BYTES = 1536 * 2 ** 20;
export const OFFICE_OUTPUT_BYTES = 256 * 2 ** 20;

let detected: Promise<{ ok: boolean; version: string; problem?: string }> | undefined;

let sandbox: Isolation | { error: string } | undefined;
/** How LibreOffice runs (ENTROOS_ISOLATION: auto, the default, bwrap or none), resolved once. */
function isolation(): Isolation {
  sandbox ??= resolveOfficeSandbox();
  // detect() reports an error as the engine's problem, and nothing runs then.
  return 'error' in sandbox ? { kind: 'none', reason: sandbox.error } : sandbox;
}

function resolveOfficeSandbox(): Isolation | { error: string } {
  const value = process.env.ENTROOS_ISOLATION || 'auto';
  const choice = ISOLATION_CHOICES.find((c) => c === value);
  return choice
    ? resolveIsolation(choice)
    : { error: `ENTROOS_ISOLATION must be one of ${ISOLATION_CHOICES.join(', ')} (got "${value}")` };
}

function detect() {
  detected ??= (async () => {
    if (!existsSync(SOFFICE)) return { ok: false, version: '', problem: `LibreOffice is not installed (${SOFFICE})` };
    isolation();
    if (sandbox && 'error' in sandbox)
      return { ok: false, version: '', problem: `LibreOffice needs its sandbox (ENTROOS_ISOLATION): ${sandbox.error}` };
    try {
      const { stdout } = await promisify(execFile)(SOFFICE, ['--version'], { timeout: 20_000 });
      return { ok: true, version: stdout.trim().split('\n')[0] || 'LibreOffice' };
    } catch (err) {
      return {
        ok: false,
        version: '',
        problem: `LibreOffice does not start: ${(err as Error).message.split('\n')[0]}`,
      };
    }
  })();
  return detected;
}

/**
 * LibreOffice's command line and environment for one conversion: none of the server's environment (its secrets)
 * but PATH and LANG, its home and temporary files in the conversion's directory, and — sandboxed — nothing of its
 * host's files but the system read-only, the input read-only and that directory: the server's working directory
 * (its database and keys under ./data), the other stored files and the other conversions' directories are hidden.
 */
export function officeInvocation(
  req: Pick<ConvertRequest, 'inputPath' | 'workDir'>,
  input: string,
  outDir: string,
  how: Isolation,
): { argv: string[]; env: Record<string, string> } {
  const profile = pathToFileURL(join(req.workDir, 'profile')).href;
  const argv = [
    SOFFICE,
    '--headless',
    '--norestore',
    '--nolockcheck',
    `-env:UserInstallation=${profile}`,
    '--convert-to',
    'pdf',
    '--outdir',
    outDir,
    input,
  ];
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: process.env.LANG ?? 'C.UTF-8',
    HOME: req.workDir,
    TMPDIR: req.workDir,
  };
  return confine(
    argv,
    how,
    {
      workspace: req.workDir,
      hide: [process.cwd(), dirname(req.inputPath), dirname(req.workDir)],
      readOnly: [req.inputPath],
    },
    env,
  );
}

export const officeEngine: Engine = {
  name: 'office',
  available: detect,
  async convert(req: ConvertRequest): Promise<ConvertResult> {
    const dir = await readZipDirectory(req.inputPath);
    checkInflation(dir.entries);
    const kind = officeKind(dir);
    if (!kind)
      throw new ConversionError(
        'CorruptInput',
        `the zip archive is not an office document (no ${req.from} parts in it)`,
      );
    if (kind !== req.from)
      throw new ConversionError('TypeMismatch', `the file is a ${kind} document, not ${req.from} as its name says`);
    const available = await detect();
    if (!available.ok)
      throw new ConversionError('EngineUnavailable', available.problem ?? 'LibreOffice is unavailable');
    req.onProgress?.(10);
    // LibreOffice picks its import filter by extension.
    const input = join(req.workDir, `input.${EXTENSIONS[req.from]}`);
    await symlink(req.inputPath, input);
    const outDir = join(req.workDir, 'out');
    await mkdir(outDir, { recursive: true });
    const run = officeInvocation(req, input, outDir, isolation());
    const { code, output } = await runLimited(
      run.argv[0],
      run.argv.slice(1),
      {
        timeoutMs: req.timeoutMs,
        memoryBytes: OFFICE_MEMORY_BYTES,
        fileBytes: OFFICE_OUTPUT_BYTES,
        signal: req.signal,
      },
      run.env,
    );
    const produced = (await readdir(outDir)).find((f) => f.endsWith('.pdf'));
    if (code !== 0 || !produced) {
      const why = output
        .split('\n')
        .filter((l) => l.trim() && !/javaldx/.test(l))
        .slice(-3)
        .join(' ')
        .trim();
      throw new ConversionError(
        'EngineFailed',
        `LibreOffice could not convert the ${req.from} document (exit ${code}${why ? `: ${why}` : ''})`,
      );
    }
    req.onProgress?.(100);
    return { outputPath: join(outDir, produced), engine: 'office', engineVersion: available.version };
  },
};
