import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';

// How an agent confines the processes its executors start (`nko --isolation`), and the server the programs its
// conversion engines run on uploaded files (`ENTROOS_ISOLATION`: LibreOffice). With bubblewrap (Debian's
// `bubblewrap`: unprivileged namespaces, no daemon) a process gets its own PID, IPC and UTS namespaces — it cannot
// see or signal the agent, whose token is on its command line — a read-only view of the system, and nothing of the
// agent's own files: its home, /tmp and /run (where sockets such as a container engine's live) and the agent's work
// directory are empty scratch space, except the one directory the process works in. The network stays (builds
// fetch dependencies). Without bubblewrap the process runs as the agent's user with its files: `auto` says so at
// start, `bwrap` refuses to start.

export type Isolation = { kind: 'none'; reason: string } | { kind: 'bwrap'; path: string };

export const ISOLATION_CHOICES = ['auto', 'bwrap', 'none'] as const;
export type IsolationChoice = (typeof ISOLATION_CHOICES)[number];

/** The sandbox's view: what stays writable, what is readable, and which directories are hidden. */
export interface Confinement {
  /** The process's working directory, the one place of its host's it may write. */
  workspace: string;
  /** Directories of the host's own (an agent's work directory, a server's data) hidden behind empty ones. */
  hide: readonly string[];
  /** Files inside hidden directories the process may still read (its input). */
  readOnly?: readonly string[];
}

const BWRAP = 'bwrap';

/** One run of bubblewrap that must work for the sandbox to be used: a PID namespace with its own /proc. */
function probe(path: string): string | undefined {
  const r = spawnSync(path, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', 'true'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (r.error)
    return (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'bubblewrap is not installed' : r.error.message;
  if (r.status !== 0) return `bubblewrap cannot make namespaces here: ${r.stderr.trim() || `exit ${r.status}`}`;
  return undefined;
}

/** The isolation `choice` gives on this machine, or why it cannot be had (`bwrap` without a working bubblewrap). */
export function resolveIsolation(choice: IsolationChoice, path = BWRAP): Isolation | { error: string } {
  if (choice === 'none') return { kind: 'none', reason: '--isolation none' };
  const problem = probe(path);
  if (!problem) return { kind: 'bwrap', path };
  if (choice === 'bwrap') return { error: `${problem} (install Debian's bubblewrap)` };
  return { kind: 'none', reason: problem };
}

/** The command line that runs `argv` under `isolation`, and the environment changes it needs. */
export function confine(
  argv: readonly string[],
  isolation: Isolation,
  where: Confinement,
  env: Record<string, string>,
): { argv: string[]; env: Record<string, string> } {
  if (isolation.kind === 'none') return { argv: [...argv], env };
  // The host's home (whatever HOME the process is given).
  const home = homedir();
  // Only directories that exist: a mount point cannot be made in the read-only system.
  const hidden = ['/tmp', '/run', ...(home ? [home] : []), ...where.hide].filter((d) => d !== '/' && existsSync(d));
  return {
    argv: [
      isolation.path,
      '--die-with-parent',
      '--unshare-pid',
      '--unshare-ipc',
      '--unshare-uts',
      '--unshare-cgroup-try',
      '--hostname',
      'sandbox',
      '--ro-bind',
      '/',
      '/',
      '--dev',
      '/dev',
      '--proc',
      '/proc',
      // In order: a directory inside one already hidden (the work dir under /tmp) is hidden again, then the
      // workspace is bound back over it.
      ...hidden.flatMap((dir) => ['--tmpfs', dir]),
      ...(where.readOnly ?? []).flatMap((path) => ['--ro-bind', path, path]),
      '--bind',
      where.workspace,
      where.workspace,
      '--chdir',
      where.workspace,
      '--',
      ...argv,
    ],
    // The agent's own TMPDIR is hidden (or read-only): temporary files go to the sandbox's /tmp.
    env: { ...env, TMPDIR: '/tmp' },
  };
}

/** One line for the agent's start: what its executors' processes can reach. */
export function describeIsolation(isolation: Isolation): string {
  return isolation.kind === 'bwrap'
    ? 'processes run in a bubblewrap sandbox (own PID namespace, read-only system, only their workspace writable; network kept)'
    : `warning: processes run unisolated, as this user with its files and network (${isolation.reason})`;
}
