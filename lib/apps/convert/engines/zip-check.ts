import { open } from 'node:fs/promises';
import { ConversionError } from './types.ts';

// Office documents are zip archives. Before LibreOffice opens one, its central directory is read (only the tail
// of the file) and the archive refused when its entries would inflate past a cap or at a ratio no real document
// has: a zip bomb renamed report.docx fails here, naming why. What the directory may understate is bounded again
// by the engine's memory and file-size limits.

export const MAX_UNCOMPRESSED_BYTES = 512 * 2 ** 20;
export const MAX_RATIO = 200;
export const MAX_ENTRIES = 20_000;

export interface ZipEntry {
  name: string;
  compressed: number;
  uncompressed: number;
}

export async function readZipDirectory(path: string): Promise<{ entries: ZipEntry[]; mimetype?: string }> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const tailSize = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailSize);
    await file.read(tail, 0, tailSize, size - tailSize);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    if (eocd < 0)
      throw new ConversionError('CorruptInput', 'the document is not a readable zip archive (no central directory)');
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || dirOffset === 0xffffffff)
      throw new ConversionError('CorruptInput', 'the document is a zip64 archive, which no office document needs');
    if (count > MAX_ENTRIES)
      throw new ConversionError('CorruptInput', `the archive has ${count} entries, more than ${MAX_ENTRIES}`);
    if (dirOffset + dirSize > size)
      throw new ConversionError('CorruptInput', 'the zip central directory points past the end of the file');
    const dir = Buffer.alloc(dirSize);
    await file.read(dir, 0, dirSize, dirOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== 0x02014b50)
        throw new ConversionError('CorruptInput', 'the zip central directory is damaged');
      const compressed = dir.readUInt32LE(p + 20);
      const uncompressed = dir.readUInt32LE(p + 24);
      const nameLen = dir.readUInt16LE(p + 28);
      const extraLen = dir.readUInt16LE(p + 30);
      const commentLen = dir.readUInt16LE(p + 32);
      const name = dir.subarray(p + 46, p + 46 + nameLen).toString('utf8');
      if (compressed === 0xffffffff || uncompressed === 0xffffffff)
        throw new ConversionError(
          'CorruptInput',
          `the zip entry ${name} uses zip64 sizes, which no office document needs`,
        );
      entries.push({ name, compressed, uncompressed });
      p += 46 + nameLen + extraLen + commentLen;
    }
    // ODF keeps its type, uncompressed, in the first entry: `mimetype`.
    let mimetype: string | undefined;
    const head = Buffer.alloc(Math.min(size, 200));
    await file.read(head, 0, head.length, 0);
    if (head.readUInt32LE(0) === 0x04034b50) {
      const nameLen = head.readUInt16LE(26);
      const extraLen = head.readUInt16LE(28);
      const len = head.readUInt32LE(18);
      if (head.subarray(30, 30 + nameLen).toString() === 'mimetype' && len < 100)
        mimetype = head.subarray(30 + nameLen + extraLen, 30 + nameLen + extraLen + len).toString();
    }
    return { entries, mimetype };
  } finally {
    await file.close();
  }
}

/** Throws when the archive would inflate past the caps (a zip bomb), whatever it is named. */
export function checkInflation(entries: ZipEntry[]): void {
  let total = 0;
  for (const e of entries) {
    total += e.uncompressed;
    if (e.uncompressed > 2 ** 20 && e.uncompressed > e.compressed * MAX_RATIO)
      throw new ConversionError(
        'InputTooLarge',
        `zip bomb refused: entry ${e.name} inflates ${e.compressed} bytes to ${e.uncompressed} (more than ${MAX_RATIO}×)`,
      );
  }
  if (total > MAX_UNCOMPRESSED_BYTES)
    throw new ConversionError(
      'InputTooLarge',
      `zip bomb refused: the archive inflates to ${total} bytes, more than the limit of ${MAX_UNCOMPRESSED_BYTES}`,
    );
}

const OOXML: Record<string, string> = {
  docx: 'word/document.xml',
  xlsx: 'xl/workbook.xml',
  pptx: 'ppt/presentation.xml',
};
const ODF: Record<string, string> = {
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
};

/** What kind of office document the archive holds, from its entries (docx, xlsx, pptx, odt, ods, odp). */
export function officeKind(dir: { entries: ZipEntry[]; mimetype?: string }): string | undefined {
  for (const [kind, part] of Object.entries(OOXML)) if (dir.entries.some((e) => e.name === part)) return kind;
  for (const [kind, mime] of Object.entries(ODF)) if (dir.mimetype === mime) return kind;
  return undefined;
}
