// The image engine's process (forked by image-pool.ts): sharp runs here, never in the server, so a decoder that
// crashes (libvips on a hostile file) or hangs takes down only this process and the one conversion it was running;
// the pool starts another. It does what it is told, one job at a time: every decision (limits, formats, options,
// errors' wording) is made by image.ts in the server. Plain JavaScript, as it runs beside the server's bundle.
import sharp from 'sharp';

// libvips' cache holds decoded tiles between unrelated conversions; a worker should not.
sharp.cache(false);

/** @param {{ input: string, limitInputPixels: number, animated: boolean }} open */
const image = (open) =>
  sharp(open.input, { limitInputPixels: open.limitInputPixels, failOn: 'error', animated: open.animated });

async function run(job) {
  if (job.op === 'metadata') {
    const meta = await image(job.open).metadata();
    return { width: meta.width, height: meta.height, pageHeight: meta.pageHeight };
  }
  let pipeline = image(job.open).timeout({ seconds: job.timeoutSeconds });
  if (job.rotate) pipeline = pipeline.rotate();
  if (job.resize) pipeline = pipeline.resize({ ...job.resize, fit: 'inside', withoutEnlargement: true });
  if (job.keepMetadata) pipeline = pipeline.keepMetadata();
  pipeline = pipeline[job.encode.format](job.encode.options);
  await pipeline.toFile(job.output);
  return {};
}

process.on('message', (job) => {
  run(job).then(
    (result) => process.send({ id: job.id, ok: true, result }),
    (err) => process.send({ id: job.id, ok: false, message: err instanceof Error ? err.message : String(err) }),
  );
});
