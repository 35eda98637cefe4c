import { describe, expect, it } from 'vitest';
import { splitScript, words, ShellSyntaxError } from '../../lib/kubelet/runtime/shell/parse.ts';
import { ShellSession, type ShellContext } from '../../lib/kubelet/runtime/shell/session.ts';
import { exitStatus, frame, parseClientMessage, pickProtocol } from '../../lib/http/exec-protocol.ts';

// The simulated shell behind `kubectl exec` and the pod page's terminal, and the channel protocol's framing.

const context: ShellContext = {
  env: { PATH: '/bin', HOSTNAME: 'web-1', HOME: '/root', GREETING: 'hello world' },
  files: new Map([
    ['/etc/config/app.conf', Buffer.from('port=80\n')],
    ['/etc/hostname', Buffer.from('web-1\n')],
  ]),
  hostname: 'web-1',
  processes: [{ pid: 1, command: 'nginx: master process' }],
};

/** Runs `argv` to its end with `input` on stdin (then closed); resolves with what it wrote and its status. */
function run(argv: string[], options: { tty?: boolean; input?: string[] } = {}) {
  return new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
    let stdout = '';
    let stderr = '';
    const session = new ShellSession(context, argv, {
      tty: options.tty ?? false,
      stdin: options.input !== undefined,
      stdout: (d) => (stdout += d.toString()),
      stderr: (d) => (stderr += d.toString()),
      exit: (code) => resolve({ stdout, stderr, code }),
    });
    session.start();
    for (const chunk of options.input ?? []) session.input(Buffer.from(chunk));
    if (options.input) session.endInput();
  });
}

const sh = (script: string) => run(['sh', '-c', script]);

describe('the shell grammar', () => {
  it('splits on ; && || and newlines, keeping quoted operators', () => {
    expect(splitScript(`echo 'a;b' && echo "c||d"; false || true\necho e # comment`)).toEqual([
      { joiner: ';', source: `echo 'a;b'` },
      { joiner: '&&', source: 'echo "c||d"' },
      { joiner: ';', source: 'false' },
      { joiner: '||', source: 'true' },
      { joiner: ';', source: 'echo e' },
    ]);
  });

  it('refuses what it does not simulate, and broken syntax', () => {
    for (const script of ['ls | wc', 'echo > f', 'sleep 1 &', 'echo $(id)', 'echo `id`', "echo 'open", '&& x'])
      expect(() => splitScript(script), script).toThrow(ShellSyntaxError);
  });

  it('expands variables outside single quotes and drops empty unquoted ones', () => {
    const env: Record<string, string> = { A: 'x y', '?': '3' };
    const lookup = (n: string) => env[n];
    expect(words(`echo $A "$A" '$A' \${A}z $? $UNSET "$UNSET" a\\ b`, lookup)).toEqual([
      'echo',
      'x y',
      'x y',
      '$A',
      'x yz',
      '3',
      '',
      'a b',
    ]);
  });
});

describe('the simulated shell', () => {
  it('runs commands directly, as exec does without a shell', async () => {
    expect(await run(['env'])).toMatchObject({ code: 0, stdout: expect.stringContaining('GREETING=hello world\n') });
    expect(await run(['/bin/cat', '/etc/config/app.conf'])).toEqual({ code: 0, stdout: 'port=80\n', stderr: '' });
    expect(await run(['hostname'])).toMatchObject({ stdout: 'web-1\n' });
    const missing = await run(['nosuch']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('exec: "nosuch": executable file not found in $PATH');
  });

  it('sh -c: lists, exit codes, cd and pwd, ls, cat errors', async () => {
    expect(await sh('echo $GREETING && false || echo fallback; echo $?')).toMatchObject({
      stdout: 'hello world\nfallback\n0\n',
      code: 0,
    });
    expect(await sh('exit 3')).toMatchObject({ code: 3 });
    expect(await sh('exit 300')).toMatchObject({ code: 44 });
    expect(await sh('cd /etc/config && pwd && ls && cd .. && ls')).toMatchObject({
      stdout: '/etc/config\napp.conf\nconfig  hostname\n',
    });
    expect(await sh('cat /nope')).toMatchObject({
      code: 1,
      stderr: "cat: can't open '/nope': No such file or directory\n",
    });
    expect(await sh('frobnicate')).toMatchObject({ code: 127, stderr: 'sh: frobnicate: not found\n' });
    expect(await sh('echo a | wc')).toMatchObject({ code: 2, stderr: expect.stringContaining('pipes') });
    expect(await sh('X=1; export Y=2; printenv X; printenv Y; Z=3 printenv Z; printenv Z')).toMatchObject({
      stdout: '2\n3\n',
      code: 1,
    });
  });

  it('ps shows the container’s process, the shell and itself', async () => {
    const { stdout } = await run(['ps']);
    expect(stdout.split('\n')[0]).toBe('PID   USER     TIME  COMMAND');
    expect(stdout).toMatch(/^\s+1 root\s+0:00 nginx: master process$/m);
    expect(stdout).toMatch(/ ps\n$/);
  });

  it('reads commands from piped stdin, across chunk boundaries, until exit or the end of input', async () => {
    expect(await run(['sh'], { input: ['echo o', 'ne\nech', 'o two\n', 'exit 4\necho never\n'] })).toMatchObject({
      stdout: 'one\ntwo\n',
      code: 4,
    });
    expect(await run(['sh'], { input: ['false'] })).toMatchObject({ code: 1 });
    expect(await run(['sh'])).toMatchObject({ code: 0, stdout: '' });
  });

  it('with a terminal: banner, prompt, echo, backspace, Ctrl-C, \\r\\n and Ctrl-D', async () => {
    let out = '';
    let exited: number | undefined;
    const session = new ShellSession(context, ['sh'], {
      tty: true,
      stdin: true,
      stdout: (d) => (out += d.toString()),
      stderr: () => expect.unreachable('a tty has no separate stderr'),
      exit: (code) => (exited = code),
    });
    session.start();
    expect(out).toContain('simulated shell');
    expect(out.endsWith('/ # ')).toBe(true);
    out = '';
    session.input(Buffer.from('echo hix\x7f\r'));
    await new Promise((r) => setTimeout(r, 0));
    expect(out).toBe('echo hix\b \b\r\nhi\r\n/ # ');
    out = '';
    session.input(Buffer.from('sleep 100\r'));
    session.input(Buffer.from('\x03'));
    await new Promise((r) => setTimeout(r, 0));
    expect(out).toBe('sleep 100\r\n^C\r\n/ # ');
    session.input(Buffer.from('nosuch\r'));
    await new Promise((r) => setTimeout(r, 0));
    expect(out).toContain('sh: nosuch: not found\r\n');
    session.input(Buffer.from('\x04'));
    expect(exited).toBe(127);
  });
});

describe('the channel protocol', () => {
  it('picks v5 or v4 in the client’s order, and nothing else', () => {
    expect(pickProtocol(['v5.channel.k8s.io', 'v4.channel.k8s.io'])).toBe('v5.channel.k8s.io');
    expect(pickProtocol(['channel.k8s.io', 'v4.channel.k8s.io'])).toBe('v4.channel.k8s.io');
    expect(pickProtocol(['base64.channel.k8s.io'])).toBeUndefined();
  });

  it('frames channels and reads stdin, resize and v5’s close', () => {
    expect([...frame(1, 'hi')]).toEqual([1, 104, 105]);
    expect(parseClientMessage(Buffer.from([0, 120]))).toEqual({ kind: 'stdin', data: Buffer.from('x') });
    expect(parseClientMessage(frame(4, '{"Width":80,"Height":24}'))).toEqual({
      kind: 'resize',
      width: 80,
      height: 24,
    });
    expect(parseClientMessage(frame(4, 'nonsense'))).toEqual({ kind: 'ignored' });
    expect(parseClientMessage(Buffer.from([255, 0]))).toEqual({ kind: 'close', channel: 0 });
  });

  it('reports the exit code as kubelet does (NonZeroExitCode with an ExitCode cause)', () => {
    expect(JSON.parse(exitStatus(0))).toMatchObject({ status: 'Success' });
    expect(JSON.parse(exitStatus(3))).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });
});
