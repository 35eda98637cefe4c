import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './server.ts';

/** A standalone node agent (`bin/nko.mjs`) joined to `serverUrl`, its output collected, as a user starts one. */
export interface NkoProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** The exit code, once it has exited. */
  exited: Promise<number | null>;
}

export function startNko(serverUrl: string, args: string[], env: NodeJS.ProcessEnv = process.env): NkoProcess {
  const child = spawn(process.execPath, [join(ROOT, 'bin/nko.mjs'), '--server', serverUrl, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}
