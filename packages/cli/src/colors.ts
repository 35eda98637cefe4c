import { createColors } from 'picocolors';

/** Colours only on a terminal; NO_COLOR turns them off, FORCE_COLOR on. */
export function colors(stream: NodeJS.WriteStream = process.stdout) {
  const env = process.env;
  const on =
    'FORCE_COLOR' in env ? env.FORCE_COLOR !== '0' : !('NO_COLOR' in env) && !!stream.isTTY && env.TERM !== 'dumb';
  return createColors(on);
}
