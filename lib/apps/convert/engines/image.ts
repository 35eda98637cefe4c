import { join } from 'node:path';
import sharp from 'sharp';

type Sharp = ReturnType<typeof sharp>;
type Metadata = Awaited<ReturnType<Sharp['metadata']>>;
import { EXTENSIONS, type Format } from './formats.ts';
import { ConversionError, type ConvertRequest, type ConvertResult, type Engine } from './types.ts';

// Images with sharp (libvips, prebuilt for this platform through npm): decode, optionally resize, encode; metadata
// (EXIF with its GPS position, ICC, XMP) is dropped unless asked for. A decompression bomb is refused by its
// declared pixel count before any pixel is decoded, and libvips' own timeout stops a slow encode.

/** 100 megapixels: a 10 000 × 10 000 image, far past any photo, far below what would exhaust a 2 GB node. */
export const MAX_INPUT_PIXELS = 100_000_000;

// libvips' cache holds decoded tiles between unrelated conversions; a worker node should not.
sharp.cache(false);

const VERSION = `sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}`;

export const imageEngine: Engine = {
  name: 'image',
  available: async () => ({ ok: true, version: VERSION }),
  async convert(req: ConvertRequest): Promise<ConvertResult> {
    const outputPath = join(req.workDir, `output.${EXTENSIONS[req.to]}`);
    const animated = req.from === 'gif' || req.from === 'webp';
    const open = () =>
      sharp(req.inputPath, {
        limitInputPixels: MAX_INPUT_PIXELS,
        failOn: 'error',
        animated: animated && keepsFrames(req.to),
      });
    let meta: Metadata;
    try {
      meta = await open().metadata();
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
    let pipeline = open().timeout({ seconds: Math.max(1, Math.ceil(req.timeoutMs / 1000)) });
    if (req.from === 'jpeg' || req.from === 'webp' || req.from === 'avif') pipeline = pipeline.rotate(); // EXIF orientation, before it is dropped
    if (width || height) pipeline = pipeline.resize({ width, height, fit: 'inside', withoutEnlargement: true });
    if (keepMetadata) pipeline = pipeline.keepMetadata();
    pipeline = encode(pipeline, req.to, quality);
    const abort = () => pipeline.destroy(new ConversionError('Cancelled', 'the conversion was cancelled'));
    req.signal.addEventListener('abort', abort, { once: true });
    try {
      await pipeline.toFile(outputPath);
    } catch (err) {
      if (req.signal.aborted) throw new ConversionError('Cancelled', 'the conversion was cancelled');
      throw imageError(err, req.from);
    } finally {
      req.signal.removeEventListener('abort', abort);
    }
    req.onProgress?.(100);
    return { outputPath, engine: 'image', engineVersion: VERSION };
  },
};

const keepsFrames = (to: Format) => to === 'gif' || to === 'webp';

function encode(pipeline: Sharp, to: Format, quality: number | undefined): Sharp {
  switch (to) {
    case 'png':
      return pipeline.png();
    case 'jpeg':
      return pipeline.jpeg({ quality: quality ?? 82, mozjpeg: true });
    case 'webp':
      return pipeline.webp({ quality: quality ?? 80, effort: 2 }); // effort 4 (the default) is 3× slower for a few % smaller files
    case 'avif':
      return pipeline.avif({ quality: quality ?? 50, effort: 2 });
    case 'gif':
      return pipeline.gif();
    default:
      throw new ConversionError('UnsupportedPair', `the image engine does not write ${to}`);
  }
}

function imageError(err: unknown, from: Format): ConversionError {
  if (err instanceof ConversionError) return err;
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
