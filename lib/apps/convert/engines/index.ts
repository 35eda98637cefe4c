import { open } from 'node:fs/promises';
import { dataEngine } from './data.ts';
import { documentEngine } from './document.ts';
import { engineFor, mismatch, type EngineName } from './formats.ts';
import { imageEngine } from './image.ts';
import { officeEngine } from './office.ts';
import { ConversionError, type ConvertRequest, type ConvertResult, type Engine } from './types.ts';

export { ConversionError } from './types.ts';
export type { ConvertOptions, ConvertRequest, ConvertResult, FailureReason } from './types.ts';

export const ENGINES: Record<EngineName, Engine> = {
  image: imageEngine,
  document: documentEngine,
  data: dataEngine,
  office: officeEngine,
};

/** Each engine, whether it runs here and its version (LibreOffice and Chromium may be missing). */
export async function engineAvailability(): Promise<
  { name: EngineName; ok: boolean; version: string; problem?: string }[]
> {
  return Promise.all(Object.values(ENGINES).map(async (e) => ({ name: e.name, ...(await e.available()) })));
}

/**
 * Converts one file: checks the pair and that the content is what its name says (by its first bytes), then runs
 * the pair's engine. Every failure is a ConversionError naming its reason; nothing else escapes.
 */
export async function convertFile(req: ConvertRequest): Promise<ConvertResult> {
  const engine = engineFor(req.from, req.to);
  if (!engine) throw new ConversionError('UnsupportedPair', `converting ${req.from} to ${req.to} is not supported`);
  const file = await open(req.inputPath, 'r');
  const head = Buffer.alloc(4096);
  let read: number;
  try {
    ({ bytesRead: read } = await file.read(head, 0, head.length, 0));
  } finally {
    await file.close();
  }
  if (read === 0) throw new ConversionError('CorruptInput', 'the file is empty');
  const wrong = mismatch(req.from, head.subarray(0, read));
  if (wrong) throw new ConversionError('TypeMismatch', wrong);
  try {
    return await ENGINES[engine].convert(req);
  } catch (err) {
    if (err instanceof ConversionError) throw err;
    throw new ConversionError(
      'EngineFailed',
      `the ${engine} engine failed: ${(err as Error).message?.split('\n')[0] ?? String(err)}`,
    );
  }
}
