// The smallest tar (POSIX ustar) a backup needs: regular files with names under 100 bytes. A backup is a
// tar.gz so that `tar tzf` lists its parts and `tar xzf` unpacks them with no EntroOS at hand.

const BLOCK = 512;

export interface TarEntry {
  name: string;
  data: Buffer;
}

export class TarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarError';
  }
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(name) >= 100) throw new TarError(`tar entry name too long: ${name}`);
  h.write(name, 0, 'utf8');
  h.write(octal(0o644, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(mtime, 12), 136);
  h.write('        ', 148); // the checksum counts itself as spaces
  h.write('0', 156); // a regular file
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

export function writeTar(entries: TarEntry[], mtime = Math.floor(Date.now() / 1000)): Buffer {
  const blocks: Buffer[] = [];
  for (const { name, data } of entries) {
    blocks.push(header(name, data.length, mtime), data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(blocks);
}

const field = (h: Buffer, start: number, length: number) =>
  h
    .subarray(start, start + length)
    .toString('utf8')
    .replace(/\0.*$/s, '')
    .trim();

/** Reads the regular files of a tar; throws TarError on anything that is not a well-formed one. */
export function readTar(tar: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const h = tar.subarray(offset, offset + BLOCK);
    if (h.every((b) => b === 0)) return entries;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    const stored = parseInt(field(h, 148, 8), 8);
    if (stored !== sum) throw new TarError(`the tar header at byte ${offset} is damaged (checksum mismatch)`);
    const name = field(h, 0, 100);
    const size = parseInt(field(h, 124, 12), 8);
    if (!Number.isFinite(size) || size < 0) throw new TarError(`the tar entry ${name} has no valid size`);
    const start = offset + BLOCK;
    if (start + size > tar.length) throw new TarError(`the tar entry ${name} is truncated`);
    const type = String.fromCharCode(h[156]);
    if (type === '0' || type === '\0') entries.push({ name, data: tar.subarray(start, start + size) });
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new TarError('the tar ends without its end-of-archive blocks (truncated)');
}
