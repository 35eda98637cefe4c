import { resolvePath, type FileTree } from './files.ts';

// The commands the simulated shell knows. Each writes to the session's stdout/stderr and returns an exit status;
// `exit` ends the shell by throwing ShellExit. Messages follow busybox's (the shell of most small images).

export class ShellExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export interface ShellProcess {
  pid: number;
  command: string;
}

/** What a command can see and change of the running shell. */
export interface Shell {
  readonly files: FileTree;
  readonly hostname: string;
  readonly processes: readonly ShellProcess[];
  /** Exported variables (the environment a child sees). */
  readonly env: Map<string, string>;
  /** Unexported shell variables. */
  readonly locals: Map<string, string>;
  cwd: string;
  /** The last command's exit status ($?). */
  status: number;
  /** Aborted by Ctrl-C (or the session ending): a command that waits stops then. */
  readonly signal: AbortSignal;
  out(text: string | Buffer): void;
  err(text: string): void;
  /** Runs a script in this shell (sh -c inside the shell). */
  run(script: string): Promise<number>;
}

export type Command = (args: string[], sh: Shell) => number | Promise<number>;

export const BANNER =
  'EntroOS simulated shell: this container runs in a mock runtime, so there are no real processes or network.\n' +
  'It knows a few commands (type `help`); files are the ones the kubelet would mount.\n';

const HELP = `${BANNER}
Commands: cat cd echo env exit false help hostname id ls printenv ps pwd sh sleep true uname whoami
Syntax: ; && || 'single' "double" quotes, $VAR and \${VAR}, $?, NAME=value, export NAME=value.
Not simulated: pipes, redirections, background jobs, command substitution, writing files.
`;

function cat(args: string[], sh: Shell): number {
  let status = 0;
  for (const arg of args.filter((a) => a !== '-')) {
    const path = resolvePath(sh.cwd, arg);
    const content = sh.files.file(path);
    if (content) sh.out(content);
    else if (sh.files.isDir(path)) {
      sh.err(`cat: read error: Is a directory\n`);
      status = 1;
    } else {
      sh.err(`cat: can't open '${arg}': No such file or directory\n`);
      status = 1;
    }
  }
  return status;
}

function ls(args: string[], sh: Shell): number {
  const flags = new Set(args.filter((a) => /^-[a-zA-Z]+$/.test(a)).flatMap((a) => [...a.slice(1)]));
  const paths = args.filter((a) => !/^-[a-zA-Z]+$/.test(a));
  const long = flags.has('l');
  const all = flags.has('a');
  const line = (name: string, path: string) => {
    if (!long) return name;
    const file = sh.files.file(path);
    const size = file ? file.length : 4096;
    return `${file ? '-rw-r--r--' : 'drwxr-xr-x'}    1 root     root     ${String(size).padStart(8)} ${name}`;
  };
  let status = 0;
  const targets = paths.length ? paths : ['.'];
  targets.forEach((arg, i) => {
    const path = resolvePath(sh.cwd, arg);
    const entries = sh.files.list(path);
    if (!entries) {
      if (sh.files.file(path)) sh.out(`${line(arg, path)}\n`);
      else {
        sh.err(`ls: ${arg}: No such file or directory\n`);
        status = 1;
      }
      return;
    }
    if (targets.length > 1) sh.out(`${i ? '\n' : ''}${arg}:\n`);
    const shown = all ? ['.', '..', ...entries] : entries;
    const lines = shown.map((name) => line(name, resolvePath(path, name)));
    if (lines.length) sh.out(`${lines.join(long ? '\n' : '  ')}\n`);
  });
  return status;
}

function ps(_args: string[], sh: Shell): number {
  const rows = sh.processes.map((p) => `${String(p.pid).padStart(5)} root      0:00 ${p.command}`);
  sh.out(`PID   USER     TIME  COMMAND\n${rows.join('\n')}\n`);
  return 0;
}

function sleep(args: string[], sh: Shell): Promise<number> | number {
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(args[0] ?? '');
  if (!match) {
    sh.err(args.length ? `sleep: invalid number '${args[0]}'\n` : 'Usage: sleep N[smhd]\n');
    return 1;
  }
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2]] ?? 1;
  const ms = Number(match[1]) * unit * 1000;
  return new Promise((resolve) => {
    if (sh.signal.aborted) return resolve(130);
    const timer = setTimeout(() => {
      sh.signal.removeEventListener('abort', interrupted);
      resolve(0);
    }, ms);
    const interrupted = () => {
      clearTimeout(timer);
      resolve(130);
    };
    sh.signal.addEventListener('abort', interrupted, { once: true });
  });
}

function echo(args: string[], sh: Shell): number {
  const newline = args[0] !== '-n';
  sh.out(`${(newline ? args : args.slice(1)).join(' ')}${newline ? '\n' : ''}`);
  return 0;
}

function env(_args: string[], sh: Shell): number {
  sh.out([...sh.env].map(([k, v]) => `${k}=${v}\n`).join(''));
  return 0;
}

function printenv(args: string[], sh: Shell): number {
  if (!args.length) return env(args, sh);
  let status = 0;
  for (const name of args) {
    const value = sh.env.get(name);
    if (value === undefined) status = 1;
    else sh.out(`${value}\n`);
  }
  return status;
}

function cd(args: string[], sh: Shell): number {
  const target = resolvePath(sh.cwd, args[0] ?? sh.env.get('HOME') ?? '/');
  if (!sh.files.isDir(target)) {
    sh.err(
      `sh: cd: can't cd to ${args[0]}: ${sh.files.file(target) ? 'Not a directory' : 'No such file or directory'}\n`,
    );
    return 2;
  }
  sh.cwd = target;
  sh.env.set('PWD', target);
  return 0;
}

function exit(args: string[], sh: Shell): number {
  const code = args.length ? Number(args[0]) : sh.status;
  if (!Number.isInteger(code)) {
    sh.err(`sh: exit: Illegal number: ${args[0]}\n`);
    return 2;
  }
  throw new ShellExit(((code % 256) + 256) % 256);
}

function exportVars(args: string[], sh: Shell): number {
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const value = eq < 0 ? (sh.locals.get(name) ?? sh.env.get(name)) : arg.slice(eq + 1);
    sh.locals.delete(name);
    if (value !== undefined) sh.env.set(name, value);
  }
  if (!args.length) sh.out([...sh.env].map(([k, v]) => `export ${k}='${v}'\n`).join(''));
  return 0;
}

function shell(args: string[], sh: Shell): number | Promise<number> {
  if (args[0] === '-c' && args[1] !== undefined) return sh.run(args[1]);
  sh.err('sh: only `sh -c "…"` can be started from inside the simulated shell\n');
  return 2;
}

export const COMMANDS: Record<string, Command> = {
  cat,
  cd,
  echo,
  env,
  exit,
  export: exportVars,
  false: () => 1,
  help: (_args, sh) => (sh.out(HELP), 0),
  hostname: (_args, sh) => (sh.out(`${sh.hostname}\n`), 0),
  id: (_args, sh) => (sh.out('uid=0(root) gid=0(root) groups=0(root)\n'), 0),
  ls,
  printenv,
  ps,
  pwd: (_args, sh) => (sh.out(`${sh.cwd}\n`), 0),
  sh: shell,
  bash: shell,
  sleep,
  true: () => 0,
  uname: (args, sh) => (
    sh.out(args.includes('-a') ? `Linux ${sh.hostname} entroos-simulated x86_64 Linux\n` : 'Linux\n'),
    0
  ),
  unset: (args, sh) => {
    for (const name of args) {
      sh.env.delete(name);
      sh.locals.delete(name);
    }
    return 0;
  },
  whoami: (_args, sh) => (sh.out('root\n'), 0),
};

/** The names in /bin (and in `help`). */
export const COMMAND_NAMES = Object.keys(COMMANDS)
  .filter((n) => !['cd', 'exit', 'export', 'unset', 'help'].includes(n))
  .sort();
