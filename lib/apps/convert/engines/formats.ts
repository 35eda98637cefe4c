// The formats the pipeline knows: their extensions and content types, which engine converts which pair, and what
// a file's first bytes say it is (so a JPEG named photo.png is refused by name, not half-decoded by the wrong
// decoder).

export const IMAGE_FORMATS = ['png', 'jpeg', 'webp', 'avif', 'gif'] as const;
export const DATA_FORMATS = ['csv', 'json', 'ndjson', 'yaml'] as const;
export const OFFICE_FORMATS = ['docx', 'odt', 'xlsx', 'ods', 'pptx', 'odp'] as const;
export const FORMATS = [...IMAGE_FORMATS, ...DATA_FORMATS, ...OFFICE_FORMATS, 'markdown', 'html', 'pdf'] as const;
export type Format = (typeof FORMATS)[number];

export const ENGINE_NAMES = ['image', 'document', 'data', 'office'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export const CONTENT_TYPES: Record<Format, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  yaml: 'application/yaml',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  odt: 'application/vnd.oasis.opendocument.text',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odp: 'application/vnd.oasis.opendocument.presentation',
  markdown: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

export const EXTENSIONS: Record<Format, string> = {
  png: 'png',
  jpeg: 'jpg',
  webp: 'webp',
  avif: 'avif',
  gif: 'gif',
  csv: 'csv',
  json: 'json',
  ndjson: 'ndjson',
  yaml: 'yaml',
  docx: 'docx',
  odt: 'odt',
  xlsx: 'xlsx',
  ods: 'ods',
  pptx: 'pptx',
  odp: 'odp',
  markdown: 'md',
  html: 'html',
  pdf: 'pdf',
};

const ALIASES: Record<string, Format> = { jpg: 'jpeg', md: 'markdown', htm: 'html', yml: 'yaml', jsonl: 'ndjson' };

export const isFormat = (value: unknown): value is Format =>
  typeof value === 'string' && (FORMATS as readonly string[]).includes(value);

/** The format a name's extension (or a format name itself, `jpg`, `md`) stands for. */
export function formatOf(nameOrFormat: string): Format | undefined {
  const lower = nameOrFormat.toLowerCase();
  const ext = lower.includes('.') ? lower.slice(lower.lastIndexOf('.') + 1) : lower;
  return isFormat(ext) ? ext : ALIASES[ext];
}

const isIn = <T extends string>(list: readonly T[], f: Format): f is Format & T =>
  (list as readonly string[]).includes(f);

/** The engine that converts `from` into `to`, or undefined for a pair the pipeline does not convert. */
export function engineFor(from: Format, to: Format): EngineName | undefined {
  if (isIn(IMAGE_FORMATS, from) && isIn(IMAGE_FORMATS, to)) return 'image';
  if (isIn(DATA_FORMATS, from) && isIn(DATA_FORMATS, to) && from !== to) return 'data';
  if (from === 'markdown' && (to === 'html' || to === 'pdf')) return 'document';
  if (from === 'html' && to === 'pdf') return 'document';
  if (isIn(OFFICE_FORMATS, from) && to === 'pdf') return 'office';
  return undefined;
}

/** Every convertible pair, for the API reference and the uploader's target picker. */
export function supportedPairs(): { from: Format; to: Format; engine: EngineName }[] {
  const out: { from: Format; to: Format; engine: EngineName }[] = [];
  for (const from of FORMATS)
    for (const to of FORMATS) {
      const engine = engineFor(from, to);
      if (engine) out.push({ from, to, engine });
    }
  return out;
}

/** What the first bytes of a file say it is: a binary format, `zip` (an office document's container), or text. */
export function sniff(head: Buffer): Format | 'zip' | 'text' | 'binary' {
  const at = (offset: number, ascii: string) =>
    head.subarray(offset, offset + ascii.length).toString('latin1') === ascii;
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47) return 'png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (at(0, 'GIF87a') || at(0, 'GIF89a')) return 'gif';
  if (at(0, 'RIFF') && at(8, 'WEBP')) return 'webp';
  if (at(4, 'ftypavif') || at(4, 'ftypavis')) return 'avif';
  if (at(0, '%PDF-')) return 'pdf';
  if (at(0, 'PK\x03\x04')) return 'zip';
  const sample = head.subarray(0, 4096);
  if (sample.includes(0)) return 'binary';
  // A cut at the sample's end may split a character: only a bad sequence before the last 3 bytes counts.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(sample.subarray(0, Math.max(0, sample.length - 3)));
  return text.includes('\ufffd') ? 'binary' : 'text';
}

const TEXT_FORMATS: readonly Format[] = [...DATA_FORMATS, 'markdown', 'html'];

/**
 * Why the content does not match the format its name claims, or undefined when it does. Office documents are zips
 * (their entries are checked by the office engine); text formats must be UTF-8 text.
 */
export function mismatch(claimed: Format, head: Buffer): string | undefined {
  const seen = sniff(head);
  if (TEXT_FORMATS.includes(claimed))
    return seen === 'text' ? undefined : `the file is ${describe(seen)}, not ${claimed} text as its name says`;
  if (isIn(OFFICE_FORMATS, claimed))
    return seen === 'zip' ? undefined : `the file is ${describe(seen)}, not a ${claimed} document as its name says`;
  return seen === claimed ? undefined : `the file is ${describe(seen)}, not ${claimed} as its name says`;
}

function describe(seen: ReturnType<typeof sniff>): string {
  if (seen === 'text') return 'text';
  if (seen === 'binary') return 'binary data of no known format';
  if (seen === 'zip') return 'a zip archive';
  return `a ${seen} file`;
}
