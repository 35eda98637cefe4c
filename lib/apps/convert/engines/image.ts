import { join } from 'node:path';
import sharp from 'sharp';
import { EXTENSIONS, type Format } from './formats.ts';
import { imageProcesses, ImageJobError, type ImageJob, type ImageMetadata } from './image-pool.ts';
import { ConversionError, type ConvertRequest, type ConvertResult, type Engine } from './types.ts';

// Images with sharp (libvips, prebuilt for this platform through npm): decode, optionally resize, encode; metadata
// (EXIF with its GPS position, ICC, XMP) is dropped unless asked for. A decompression bomb is refused by its
// declared pixel count before any pixel is decoded, and libvips' own timeout stops a slow encode. sharp runs in
// processes of its own (image-pool.ts): a crash or hang there fails this conversion, and the process is killed at
// the run-time limit; here only what to do is decided and its errors worded.

/** 100 megapixels: a 10 000 × 10 000 image, far past any photo, far below what would exhaust a 2 GB node. */
export const MAX_INPUT_PIXELS = 100_000_000;

const VERSION = `sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}`;

export const imageEngine: Engine = {
  name: 'image',
  available: async () => ({ ok: true, version: VERSION }),
  async convert(req: ConvertRequest): Promise<ConvertResult> {
    const outputPath = join(req.workDir, `output.${EXTENSIONS[req.to]}`);
    const animated = req.from === 'gif' || req.from === 'webp';
    const open = {
      input: req.inputPath,
      limitInputPixels: MAX_INPUT_PIXELS,
      animated: animated && keepsFrames(req.to),
    };
    const processes = imageProcesses();
    const started = Date.now();
    let meta: ImageMetadata;
    try {
      meta = await processes.run({ op: 'metadata', open }, req.timeoutMs, req.signal);
    } catch (err) {
      throw imageError(err, req.from);
    }
    if ((meta.width ?? 0) * (meta.pageHeight ?? meta.height ?? 0) > MAX_INPUT_PIXELS)
      throw new ConversionError(
        'InputTooLarge',
        `the image is ${meta.width} × ${meta.height} pixels, more than the limit of ${MAX_INPUT_PIXELS / 1e6} megapixels`,
      );
    req.onProgress?.(10);
    const { width, height, quality, keepMetadata } = req.options;
    const left = Math.max(1, req.timeoutMs - (Date.now() - started));
    const job: ImageJob = {
      op: 'convert',
      open,
      output: outputPath,
      // libvips' own timeout first (a clean error); the process is killed only if that does not stop it.
      timeoutSeconds: Math.max(1, Math.floor(left / 1000)),
      rotate: req.from === 'jpeg' || req.from === 'webp' || req.from === 'avif', // EXIF orientation, before it is dropped
      ...(width || height ? { resize: { width, height } } : {}),
      keepMetadata: keepMetadata ?? false,
      encode: encoder(req.to, quality),
    };
    try {
      await processes.run(job, left + 2000, req.signal);
    } catch (err) {
      throw imageError(err, req.from);
    }
    req.onProgress?.(100);
    return { outputPath, engine: 'image', engineVersion: VERSION };
  },
};

const keepsFrames = (to: Format) => to === 'gif' || to === 'webp';

function encoder(to: Format, quality: number | undefined): Extract<ImageJob, { op: 'convert' }>['encode'] {
  switch (to) {
    case 'png':
      return { format: 'png', options: {} };
    case 'jpeg':
      return { format: 'jpeg', options: { quality: quality ?? 82, mozjpeg: true } };
    case 'webp':
      return { format: 'webp', options: { quality: quality ?? 80, effort: 2 } }; // effort 4 (the default) is 3× slower for a few % smaller files
    case 'avif':
      return { format: 'avif', options: { quality: quality ?? 50, effort: 2 } };
    case 'gif':
      return { format: 'gif', options: {} };
    default:
      throw new ConversionError('UnsupportedPair', `the image engine does not write ${to}`);
  }
}

function imageError(err: unknown, from: Format): ConversionError {
  if (err instanceof ConversionError) return err;
  if (!(err instanceof ImageJobError))
    return new ConversionError('EngineFailed', `the image engine failed: ${String(err)}`);
  const message = err instanceof Error ? err.message : String(err);
  if (/timeout/i.test(message)) return new ConversionError('Timeout', `the image engine timed out: ${message}`);
  if (/pixel limit/i.test(message))
    return new ConversionError('InputTooLarge', `the image has more than ${MAX_INPUT_PIXELS / 1e6} megapixels`);
  return new ConversionError(
    'CorruptInput',
    `the ${from} image cannot be decoded (corrupt or truncated): ${firstLine(message)}`,
  );
}

const firstLine = (s: string) => s.split('\n')[0].trim();
