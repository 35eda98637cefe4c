import { BANNER, COMMANDS, COMMAND_NAMES, ShellExit, type Shell, type ShellProcess } from './commands.ts';
import { fileTree, type FileTree } from './files.ts';
import { ShellSyntaxError, splitScript, words } from './parse.ts';

// One exec into a simulated container: `sh`/`bash` (interactive with a terminal, or reading commands from stdin),
// `sh -c "script"`, or a single command run directly (`kubectl exec POD -- env`). With a terminal it does what a
// tty's line discipline would: echoes what is typed, handles backspace, Ctrl-C, Ctrl-D, Ctrl-U, Ctrl-L and ends
// lines with \r\n; stderr goes to stdout as on a real tty. Nothing here is logged: the environment holds Secret
// values.

/** What the kubelet knows of the container: its environment and mounted files, its name and processes. */
export interface ShellContext {
  env: Readonly<Record<string, string>>;
  files: ReadonlyMap<string, Buffer>;
  hostname: string;
  /** The container's own processes (its main process is PID 1). */
  processes: readonly ShellProcess[];
}

export interface ShellStreams {
  tty: boolean;
  /** Whether the client sends stdin (without it the shell reads end-of-file at once). */
  stdin: boolean;
  stdout(data: Buffer): void;
  stderr(data: Buffer): void;
  /** The command ended with this status (called once). */
  exit(code: number): void;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const BIN_DIRS = /^\/(usr\/(local\/)?)?s?bin\//;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** \n → \r\n, as a terminal's output processing (onlcr) does. */
function crlf(data: Buffer): Buffer {
  if (!data.includes(0x0a)) return data;
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x0a && (i === 0 || data[i - 1] !== 0x0d)) out.push(0x0d);
    out.push(data[i]);
  }
  return Buffer.from(out);
}

export class ShellSession {
  private readonly files: FileTree;
  private readonly pid: number;
  private readonly shell: Shell;
  private interrupt = new AbortController();
  private line = '';
  private pending = '';
  private queue: string[] = [];
  private eof = false;
  private busy = false;
  private done = false;
  private interactive = false;
  private escape = false;

  constructor(
    private readonly context: ShellContext,
    private readonly argv: string[],
    private readonly streams: ShellStreams,
  ) {
    this.files = fileTree(context.files, COMMAND_NAMES);
    this.pid = Math.max(1, ...context.processes.map((p) => p.pid)) + 6;
    const env = new Map(Object.entries(context.env));
    const processes = [
      ...context.processes,
      { pid: this.pid, command: argv.join(' ') },
      { pid: this.pid + 1, command: 'ps' },
    ];
    const signal = () => this.interrupt.signal;
    this.shell = {
      files: this.files,
      hostname: context.hostname,
      processes,
      env,
      locals: new Map(),
      cwd: env.get('PWD') ?? '/',
      status: 0,
      get signal() {
        return signal();
      },
      out: (text) => this.write('stdout', text),
      err: (text) => this.write('stderr', text),
      run: (script) => this.runScript(script),
    };
  }

  /** Starts the command; the session ends with streams.exit. */
  start(): void {
    const [first = '', ...rest] = this.argv;
    const name = BIN_DIRS.test(first) ? first.slice(first.lastIndexOf('/') + 1) : first;
    if (!SHELLS.has(name)) {
      void this.finishAfter(this.runCommand(this.argv, true));
      return;
    }
    const script = rest[0] === '-c' ? rest[1] : undefined;
    if (script !== undefined) {
      void this.finishAfter(this.runScript(script));
      return;
    }
    if (!this.streams.stdin) return this.finish(0);
    this.interactive = this.streams.tty;
    if (this.interactive) {
      this.write('stdout', BANNER);
      this.prompt();
    }
  }

  /** Bytes the client typed or piped in. */
  input(data: Buffer): void {
    if (this.done) return;
    if (this.interactive) return this.typed(data.toString('utf8'));
    // Not a shell (e.g. `kubectl exec -i POD -- env`): stdin is read by nobody.
    if (!SHELLS.has(this.argv[0]?.replace(BIN_DIRS, '') ?? '') || this.argv.includes('-c')) return;
    this.pending += data.toString('utf8');
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    this.queue.push(...lines);
    void this.drain();
  }

  /** The client closed stdin. */
  endInput(): void {
    if (this.done || this.eof) return;
    this.eof = true;
    if (this.interactive) {
      if (!this.busy) this.finish(this.shell.status);
      return;
    }
    if (this.pending) this.queue.push(this.pending);
    this.pending = '';
    void this.drain();
  }

  /** The terminal's new size (kept in COLUMNS and LINES, which is all a simulated program can do with it). */
  resize(columns: number, lines: number): void {
    if (columns > 0 && lines > 0) {
      this.shell.locals.set('COLUMNS', String(columns));
      this.shell.locals.set('LINES', String(lines));
    }
  }

  /** Ends the session from outside (client gone, container stopped) without reporting an exit. */
  kill(): void {
    this.done = true;
    this.interrupt.abort();
  }

  private write(stream: 'stdout' | 'stderr', text: string | Buffer) {
    if (this.done) return;
    const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    if (this.streams.tty) this.streams.stdout(crlf(data));
    else this.streams[stream](data);
  }

  private prompt() {
    this.write('stdout', `${this.shell.cwd} # `);
  }

  private finish(code: number) {
    if (this.done) return;
    this.done = true;
    this.interrupt.abort();
    this.streams.exit(code);
  }

  private async finishAfter(run: Promise<number>) {
    try {
      this.finish(await run);
    } catch (err) {
      if (err instanceof ShellExit) this.finish(err.code);
      else throw err;
    }
  }

  /** Runs the lines read from a non-terminal stdin one after the other; at its end the shell exits. */
  private async drain() {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length && !this.done) await this.runScript(this.queue.shift() ?? '');
      if (this.eof && !this.done) this.finish(this.shell.status);
    } catch (err) {
      if (err instanceof ShellExit) this.finish(err.code);
      else throw err;
    } finally {
      this.busy = false;
    }
  }

  /** Keys typed on the terminal. */
  private typed(text: string) {
    for (const ch of text) {
      if (this.done) return;
      if (this.escape) {
        // An escape sequence (arrow keys…) ends with a letter or ~: no history or cursor movement is simulated.
        if (/[A-Za-z~]/.test(ch)) this.escape = false;
        continue;
      }
      if (ch === '\x03') {
        this.write('stdout', '^C\n');
        this.line = '';
        if (this.busy) this.interrupt.abort();
        else this.prompt();
        continue;
      }
      if (this.busy) continue;
      if (ch === '\x1b') this.escape = true;
      else if (ch === '\r' || ch === '\n') {
        this.write('stdout', '\n');
        const line = this.line;
        this.line = '';
        void this.runLine(line);
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.line) {
          this.line = [...this.line].slice(0, -1).join('');
          this.write('stdout', '\b \b');
        }
      } else if (ch === '\x04') {
        if (!this.line) {
          this.write('stdout', 'exit\n');
          this.finish(this.shell.status);
        }
      } else if (ch === '\x15') {
        this.write('stdout', '\b \b'.repeat([...this.line].length));
        this.line = '';
      } else if (ch === '\x0c') {
        this.write('stdout', '\x1b[H\x1b[2J');
        this.prompt();
        this.write('stdout', this.line);
      } else if (ch >= ' ' || ch === '\t') {
        const shown = ch === '\t' ? ' ' : ch;
        this.line += shown;
        this.write('stdout', shown);
      }
    }
  }

  private async runLine(line: string) {
    this.busy = true;
    try {
      await this.runScript(line);
    } catch (err) {
      if (!(err instanceof ShellExit)) throw err;
      this.finish(err.code);
      return;
    } finally {
      this.busy = false;
    }
    if (this.interrupt.signal.aborted) this.interrupt = new AbortController();
    if (this.eof) this.finish(this.shell.status);
    else this.prompt();
  }

  private async runScript(script: string): Promise<number> {
    let steps;
    try {
      steps = splitScript(script);
    } catch (err) {
      if (!(err instanceof ShellSyntaxError)) throw err;
      this.write('stderr', `sh: ${err.message}\n`);
      return (this.shell.status = 2);
    }
    for (const step of steps) {
      if (this.done || this.interrupt.signal.aborted) break;
      if (step.joiner === '&&' && this.shell.status !== 0) continue;
      if (step.joiner === '||' && this.shell.status === 0) continue;
      let argv: string[];
      try {
        argv = words(step.source, (name) => this.variable(name));
      } catch (err) {
        if (!(err instanceof ShellSyntaxError)) throw err;
        this.write('stderr', `sh: ${err.message}\n`);
        this.shell.status = 2;
        continue;
      }
      this.shell.status = await this.runCommand(argv, false);
    }
    return this.shell.status;
  }

  private variable(name: string): string | undefined {
    if (name === '?') return String(this.shell.status);
    if (name === '$') return String(this.pid);
    if (name === '#') return '0';
    return this.shell.locals.get(name) ?? this.shell.env.get(name);
  }

  /** One command: assignments, then a builtin; `direct` when exec runs it without a shell around it. */
  private async runCommand(argv: string[], direct: boolean): Promise<number> {
    let i = 0;
    while (i < argv.length && ASSIGNMENT.test(argv[i])) i++;
    const assignments = argv.slice(0, i).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]);
    const [first, ...args] = argv.slice(i);
    if (first === undefined) {
      for (const [name, value] of assignments)
        (this.shell.env.has(name) ? this.shell.env : this.shell.locals).set(name, value);
      return 0;
    }
    const name = BIN_DIRS.test(first) ? first.slice(first.lastIndexOf('/') + 1) : first;
    const command = first.includes('/') && !BIN_DIRS.test(first) ? undefined : COMMANDS[name];
    if (!command) {
      this.write(
        'stderr',
        direct
          ? `exec: "${first}": executable file not found in $PATH (this simulated container knows: ${COMMAND_NAMES.join(', ')})\n`
          : `sh: ${first}: not found\n`,
      );
      return 127;
    }
    // NAME=value before a command sets it for that command only.
    const saved = assignments.map(([n]) => [n, this.shell.env.get(n)] as const);
    for (const [n, value] of assignments) this.shell.env.set(n, value);
    try {
      return await command(args, this.shell);
    } finally {
      for (const [n, value] of saved) {
        if (value === undefined) this.shell.env.delete(n);
        else this.shell.env.set(n, value);
      }
    }
  }
}
