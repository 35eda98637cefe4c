import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { convertFile, ConversionError, engineAvailability } from '@/lib/apps/convert/engines/index.ts';
import { engineFor, sniff, type Format } from '@/lib/apps/convert/engines/formats.ts';
import { imageProcesses } from '@/lib/apps/convert/engines/image-pool.ts';
import { officeInvocation, SOFFICE } from '@/lib/apps/convert/engines/office.ts';
import type { ConvertOptions } from '@/lib/apps/convert/engines/types.ts';

// Each engine on fixtures made here: images drawn by sharp, text written inline, office documents saved by
// LibreOffice itself, and a zip bomb built byte by byte.

let dir: string;
let n = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'entroos-convert-engines-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fixture(name: string, content: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function run(inputPath: string, from: Format, to: Format, options: ConvertOptions = {}, timeoutMs = 30_000) {
  const workDir = mkdtempSync(join(dir, `work-${n++}-`));
  const result = await convertFile({
    inputPath,
    from,
    to,
    options,
    workDir,
    signal: new AbortController().signal,
    timeoutMs,
  });
  return { ...result, bytes: readFileSync(result.outputPath) };
}

async function failure(promise: Promise<unknown>): Promise<ConversionError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConversionError);
  return err as ConversionError;
}

const photo = () =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .withExif({ IFD0: { Copyright: 'secret-owner', Artist: 'someone' } })
    .jpeg()
    .toBuffer();

describe('image engine (sharp)', () => {
  it('converts jpeg to webp, resizing and dropping the EXIF metadata', async () => {
    const input = fixture('photo.jpg', await photo());
    expect((await sharp(input).metadata()).exif).toBeDefined();
    const out = await run(input, 'jpeg', 'webp', { width: 320 });
    expect(sniff(out.bytes)).toBe('webp');
    const meta = await sharp(out.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([320, 240]);
    expect(meta.exif).toBeUndefined();
    expect(out.engineVersion).toMatch(/^sharp \d+\.\d+\.\d+ \/ libvips/);
  });

  it.each<[Format, Format]>([
    ['jpeg', 'png'],
    ['jpeg', 'avif'],
    ['jpeg', 'gif'],
  ])('converts %s to %s', async (from, to) => {
    const input = fixture(`p${n}.jpg`, await photo());
    const out = await run(input, from, to, { width: 64 });
    expect(sniff(out.bytes)).toBe(to);
    expect((await sharp(out.bytes).metadata()).width).toBe(64);
  });

  it('fails a corrupt image with the reason, and a file whose content is not what its name says', async () => {
    const bytes = await photo();
    const truncated = fixture('broken.jpg', bytes.subarray(0, 200));
    const corrupt = await failure(run(truncated, 'jpeg', 'png'));
    expect(corrupt.reason).toBe('CorruptInput');
    expect(corrupt.message).toMatch(/cannot be decoded/);
    const misnamed = fixture('really-a-jpeg.png', bytes);
    const mismatch = await failure(run(misnamed, 'png', 'webp'));
    expect(mismatch.reason).toBe('TypeMismatch');
    expect(mismatch.message).toBe('the file is a jpeg file, not png as its name says');
  });
});

describe('data engine', () => {
  const csv = 'name,qty,note\r\nbeans,3,"dark, roasted"\r\nmilk,1,"say ""hi"""\r\n';
  it('converts CSV to JSON and NDJSON and back without losing quoting', async () => {
    const json = await run(fixture('a.csv', csv), 'csv', 'json');
    const rows = JSON.parse(json.bytes.toString());
    expect(rows).toEqual([
      { name: 'beans', qty: '3', note: 'dark, roasted' },
      { name: 'milk', qty: '1', note: 'say "hi"' },
    ]);
    const ndjson = await run(fixture('a.json', json.bytes), 'json', 'ndjson');
    expect(ndjson.bytes.toString().trim().split('\n')).toHaveLength(2);
    const back = await run(fixture('a.ndjson', ndjson.bytes), 'ndjson', 'csv');
    expect(back.bytes.toString()).toBe(csv);
  });

  it('converts YAML to JSON and back', async () => {
    const json = await run(fixture('c.yaml', 'service:\n  name: web\n  ports: [80, 443]\n'), 'yaml', 'json');
    expect(JSON.parse(json.bytes.toString())).toEqual({ service: { name: 'web', ports: [80, 443] } });
    const yaml = await run(fixture('c.json', json.bytes), 'json', 'yaml');
    expect(yaml.bytes.toString()).toContain('name: web');
  });

  it('names what is wrong with bad data', async () => {
    expect((await failure(run(fixture('bad.json', '{"a": '), 'json', 'yaml'))).message).toMatch(
      /JSON cannot be parsed/,
    );
    expect((await failure(run(fixture('bad.csv', 'a,b\n1\n'), 'csv', 'json'))).message).toBe(
      'CSV row 2 has 1 fields, the header 2',
    );
    expect((await failure(run(fixture('one.json', '{"a":1}'), 'json', 'csv'))).message).toMatch(
      /only a list of records/,
    );
  });
});

describe('document engine', () => {
  it('converts Markdown to HTML', async () => {
    const out = await run(fixture('r.md', '# Report\n\n| a | b |\n|---|---|\n| 1 | 2 |\n'), 'markdown', 'html');
    expect(out.bytes.toString()).toContain('<h1>Report</h1>');
    expect(out.bytes.toString()).toContain('<table>');
  });

  it('prints Markdown and HTML to PDF with Chromium, refusing the page’s requests', async () => {
    const md = await run(fixture('r2.md', '# Title\n\nSome *text*.\n'), 'markdown', 'pdf');
    expect(sniff(md.bytes)).toBe('pdf');
    const html = await run(
      fixture('p.html', '<h1>Hello</h1><iframe src="file:///etc/passwd"></iframe><img src="http://example.com/x.png">'),
      'html',
      'pdf',
    );
    expect(sniff(html.bytes)).toBe('pdf');
    expect(html.bytes.toString('latin1')).not.toContain('root:x:0');
  }, 60_000);
});

const office = existsSync('/usr/bin/soffice');

describe('office engine (LibreOffice)', () => {
  it('is listed as available when LibreOffice is installed', async () => {
    const entry = (await engineAvailability()).find((e) => e.name === 'office');
    expect(entry?.ok).toBe(office);
  });

  it.runIf(office)(
    'converts docx and xlsx made by LibreOffice to PDF',
    async () => {
      const html = fixture('doc.html', '<h1>Quarterly</h1><p>Numbers.</p>');
      const csv = fixture('sheet.csv', 'a,b\n1,2\n');
      const profile = `-env:UserInstallation=file://${join(dir, 'lo-profile')}`;
      execFileSync('/usr/bin/soffice', [
        '--headless',
        profile,
        '--convert-to',
        'docx:MS Word 2007 XML',
        '--outdir',
        dir,
        html,
      ]);
      execFileSync('/usr/bin/soffice', ['--headless', profile, '--convert-to', 'xlsx', '--outdir', dir, csv]);
      for (const [file, from] of [
        ['doc.docx', 'docx'],
        ['sheet.xlsx', 'xlsx'],
      ] as const) {
        const out = await run(join(dir, file), from, 'pdf', {}, 60_000);
        expect(sniff(out.bytes)).toBe('pdf');
      }
      // A spreadsheet named as a word document is refused by its parts.
      const misnamed = fixture('sheet-really.docx', readFileSync(join(dir, 'sheet.xlsx')));
      expect((await failure(run(misnamed, 'docx', 'pdf'))).message).toBe(
        'the file is a xlsx document, not docx as its name says',
      );
    },
    120_000,
  );

  it("gives LibreOffice none of the server's environment, and in its sandbox none of the server's files", () => {
    process.env.ENTROOS_TEST_SECRET = 'not for LibreOffice';
    try {
      const req = { inputPath: '/srv/data/convert/blobs/abc', workDir: '/srv/data/convert/work/pod-1' };
      const plain = officeInvocation(req, '/w/input.docx', '/w/out', { kind: 'none', reason: 'test' });
      expect(Object.keys(plain.env).sort()).toEqual(['HOME', 'LANG', 'PATH', 'TMPDIR']);
      expect(plain.env.HOME).toBe(req.workDir);
      expect(plain.argv[0]).toBe(SOFFICE);

      const boxed = officeInvocation(req, '/w/input.docx', '/w/out', { kind: 'bwrap', path: '/usr/bin/bwrap' });
      expect(boxed.argv[0]).toBe('/usr/bin/bwrap');
      expect(boxed.env.TMPDIR).toBe('/tmp');
      expect(JSON.stringify(boxed.env)).not.toContain('not for LibreOffice');
      const args = boxed.argv.join(' ');
      // The server's working directory (its ./data) is hidden; the input comes back read-only, the work dir writable.
      expect(args).toContain(`--tmpfs ${process.cwd()}`);
      expect(args).toContain(`--ro-bind ${req.inputPath} ${req.inputPath}`);
      expect(args).toContain(`--bind ${req.workDir} ${req.workDir}`);
      expect(boxed.argv.slice(boxed.argv.indexOf('--') + 1)).toEqual(plain.argv);
    } finally {
      delete process.env.ENTROOS_TEST_SECRET;
    }
  });

  it('refuses a zip bomb named report.docx before LibreOffice sees it', async () => {
    const data = deflateRawSync(Buffer.alloc(64 * 2 ** 20));
    const bomb = fixture('report.docx', zipOf('word/document.xml', data, 64 * 2 ** 20));
    const err = await failure(run(bomb, 'docx', 'pdf'));
    expect(err.reason).toBe('InputTooLarge');
    expect(err.message).toMatch(/^zip bomb refused: entry word\/document.xml inflates \d+ bytes to 67108864/);
  });
});

describe('pairs', () => {
  it('knows which engine converts a pair, and refuses the others', async () => {
    expect(engineFor('jpeg', 'webp')).toBe('image');
    expect(engineFor('docx', 'pdf')).toBe('office');
    expect(engineFor('pdf', 'docx')).toBeUndefined();
    const err = await failure(run(fixture('x.pdf', '%PDF-1.4\n'), 'pdf', 'docx'));
    expect(err.reason).toBe('UnsupportedPair');
    expect(err.message).toBe('converting pdf to docx is not supported');
  });
});

/** A one-entry zip (deflated), enough for the central directory check. */
function zipOf(name: string, deflated: Buffer, size: number): Buffer {
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(deflated.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(deflated.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const localPart = Buffer.concat([local, nameBytes, deflated]);
  const centralPart = Buffer.concat([central, nameBytes]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralPart.length, 12);
  end.writeUInt32LE(localPart.length, 16);
  return Buffer.concat([localPart, centralPart, end]);
}

describe('image engine isolation', () => {
  // A hostile file that crashes libvips is simulated by killing the process converting it: only that conversion
  // fails, with how the process died, and the next conversion gets a fresh process.
  it('fails only the conversion whose process crashed, and converts the next one', async () => {
    const big = fixture(
      'big.jpg',
      await sharp({ create: { width: 6000, height: 6000, channels: 3, background: '#4477aa' } })
        .jpeg()
        .toBuffer(),
    );
    const pool = imageProcesses();
    const converting = failure(run(big, 'jpeg', 'avif', { quality: 90 }));
    await vi.waitFor(() => expect(pool.busyPids()).toHaveLength(1), { timeout: 10_000, interval: 10 });
    for (const pid of pool.busyPids()) process.kill(pid, 'SIGSEGV');
    const crashed = await converting;
    expect(crashed.reason).toBe('EngineFailed');
    expect(crashed.message).toMatch(/^the image engine's process died \(signal SIGSEGV/);
    const next = await run(fixture('after.jpg', await photo()), 'jpeg', 'webp', { width: 100 });
    expect((await sharp(next.bytes).metadata()).width).toBe(100);
  }, 60_000);

  it('kills a conversion past its time limit', async () => {
    const big = fixture(
      'slow.jpg',
      await sharp({ create: { width: 8000, height: 8000, channels: 3, background: '#aa7744' } })
        .jpeg()
        .toBuffer(),
    );
    const started = Date.now();
    const timedOut = await failure(run(big, 'jpeg', 'avif', { quality: 95 }, 1000));
    expect(timedOut.reason).toBe('Timeout');
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 60_000);
});
