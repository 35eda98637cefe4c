import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments, stringify as toYaml } from 'yaml';
import { EXTENSIONS, type Format } from './formats.ts';
import { ConversionError, type ConvertRequest, type ConvertResult, type Engine } from './types.ts';

// CSV ↔ JSON ↔ NDJSON ↔ YAML. The document is parsed whole (these are records, not streams of bytes), so the
// input is capped well below a node's memory. CSV follows RFC 4180 (quoted fields, doubled quotes, CRLF); its
// first row names the columns. A JSON or YAML document becomes CSV or NDJSON only if it is an array of records.

export const MAX_DATA_BYTES = 64 * 2 ** 20;
const VERSION = 'entroos-data 1 (RFC 4180 CSV, yaml 2)';

type Value = unknown;
type Row = Record<string, Value>;

export const dataEngine: Engine = {
  name: 'data',
  available: async () => ({ ok: true, version: VERSION }),
  async convert(req: ConvertRequest): Promise<ConvertResult> {
    const size = (await stat(req.inputPath)).size;
    if (size > MAX_DATA_BYTES)
      throw new ConversionError(
        'InputTooLarge',
        `the ${req.from} file is ${size} bytes, more than the limit of ${MAX_DATA_BYTES}`,
      );
    const text = await readFile(req.inputPath, 'utf8');
    const value = parse(text, req.from, req.options.delimiter ?? ',');
    req.onProgress?.(50);
    if (req.signal.aborted) throw new ConversionError('Cancelled', 'the conversion was cancelled');
    const outputPath = join(req.workDir, `output.${EXTENSIONS[req.to]}`);
    await writeFile(outputPath, serialize(value, req.to, req.options.delimiter ?? ','));
    req.onProgress?.(100);
    return { outputPath, engine: 'data', engineVersion: VERSION };
  },
};

export function parse(text: string, from: Format, delimiter = ','): Value {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  switch (from) {
    case 'csv':
      return fromCsv(body, delimiter);
    case 'json':
      try {
        return JSON.parse(body);
      } catch (err) {
        throw new ConversionError('CorruptInput', `the JSON cannot be parsed: ${(err as Error).message}`);
      }
    case 'ndjson':
      return body.split(/\r?\n/).flatMap((line, i) => {
        if (!line.trim()) return [];
        try {
          return [JSON.parse(line)];
        } catch (err) {
          throw new ConversionError('CorruptInput', `NDJSON line ${i + 1} is not JSON: ${(err as Error).message}`);
        }
      });
    case 'yaml': {
      const docs = parseAllDocuments(body);
      const list = Array.isArray(docs) ? docs : [docs];
      for (const doc of list)
        if (doc.errors.length)
          throw new ConversionError('CorruptInput', `the YAML cannot be parsed: ${doc.errors[0].message}`);
      const values = list.map((d) => d.toJS({ maxAliasCount: 100 }));
      return values.length === 1 ? values[0] : values;
    }
    default:
      throw new ConversionError('UnsupportedPair', `the data engine does not read ${from}`);
  }
}

export function serialize(value: Value, to: Format, delimiter = ','): string {
  switch (to) {
    case 'json':
      return `${JSON.stringify(value, null, 2)}\n`;
    case 'yaml':
      return toYaml(value);
    case 'ndjson':
      return (
        records(value, to)
          .map((r) => JSON.stringify(r))
          .join('\n') + '\n'
      );
    case 'csv':
      return toCsv(records(value, to), delimiter);
    default:
      throw new ConversionError('UnsupportedPair', `the data engine does not write ${to}`);
  }
}

function records(value: Value, to: Format): Value[] {
  if (!Array.isArray(value))
    throw new ConversionError(
      'CorruptInput',
      `only a list of records becomes ${to}; the input is a single ${typeof value}`,
    );
  return value;
}

function fromCsv(text: string, delimiter: string): Row[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
    i++;
  }
  if (quoted) throw new ConversionError('CorruptInput', 'the CSV ends inside a quoted field');
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...data] = rows.filter((r) => !(r.length === 1 && r[0] === ''));
  if (!header) return [];
  return data.map((r, n) => {
    if (r.length !== header.length)
      throw new ConversionError('CorruptInput', `CSV row ${n + 2} has ${r.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((h, k) => [h, r[k]]));
  });
}

function toCsv(rows: Value[], delimiter: string): string {
  const columns: string[] = [];
  for (const r of rows) {
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      throw new ConversionError('CorruptInput', 'only a list of objects becomes CSV');
    for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  }
  const cell = (v: Value) => {
    const s = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /["\r\n]/.test(s) || s.includes(delimiter) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [columns.map(cell).join(delimiter)];
  for (const r of rows as Row[]) lines.push(columns.map((c) => cell(r[c])).join(delimiter));
  return lines.join('\r\n') + '\r\n';
}
