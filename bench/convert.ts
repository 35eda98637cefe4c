// npm run bench:convert — the file conversion app (docs/apps/convert.md):
//  - images_per_s: 1-megapixel JPEGs (1155 × 866, a photo-like gradient with noise) to WebP at 800 px wide with
//    the image engine, as many side by side as the machine has cores, BENCH_IMAGES of them (default 100);
//  - conversions_100_timeouts: 100 mixed small conversions (jpeg → webp, png → avif, csv → json, yaml → json,
//    md → html, ndjson → csv) submitted at once to a server with 4 simulated nodes, each run as a Job; how many
//    failed for time (Timeout or QueueTimeout). Their median and p95 end-to-end seconds are printed beside it;
//  - upload_mb_per_s: a BENCH_UPLOAD_MB (default 1024) MiB upload over loopback with tus in 64 MiB PATCHes, the
//    body generated as it is sent (the client holds one chunk); the server's RSS growth during it is printed and
//    returned as upload_rss_growth_mb.
// The server is the production build (ENTROOS_DIST_DIR or .next). Last line: one JSON object.
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { machine, percentile, round, serverRssMb, startBenchServer, type BenchServer } from './lib.ts';
import { convertFile } from '../lib/apps/convert/engines/index.ts';
import type { Conversion } from '../lib/apps/convert/types.ts';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 100);
const UPLOAD_MB = Number(process.env.BENCH_UPLOAD_MB ?? 1024);
const CHUNK = 64 * 2 ** 20;

async function photo(seed: number): Promise<Buffer> {
  const width = 1155;
  const height = 866;
  const raw = Buffer.alloc(width * height * 3);
  const noise = randomBytes(raw.length);
  for (let i = 0; i < raw.length; i++) raw[i] = ((i / 3) % width) / 5 + seed * 13 + (noise[i] & 31);
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

async function imagesPerSecond(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'entroos-bench-convert-'));
  try {
    const inputs = await Promise.all(
      Array.from({ length: 4 }, async (_, i) => {
        const path = join(dir, `photo-${i}.jpg`);
        writeFileSync(path, await photo(i));
        return path;
      }),
    );
    const parallel = cpus().length;
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < IMAGES) {
        const n = next++;
        const workDir = mkdtempSync(join(dir, `w${n}-`));
        await convertFile({
          inputPath: inputs[n % inputs.length],
          from: 'jpeg',
          to: 'webp',
          options: { width: 800 },
          workDir,
          signal: new AbortController().signal,
          timeoutMs: 60_000,
        });
        rmSync(workDir, { recursive: true, force: true });
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    const seconds = (performance.now() - started) / 1000;
    const rate = IMAGES / seconds;
    console.log(`images: ${IMAGES} 1 MP jpeg → webp 800 px, ${parallel} at a time: ${round(rate)} images/s`);
    return rate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A tus upload of `total` bytes made by `chunkAt` (one chunk in memory at a time); answers the digest. */
async function upload(
  server: BenchServer,
  filename: string,
  total: number,
  chunkAt: (offset: number, size: number) => Buffer,
) {
  const auth = { Authorization: `Bearer ${server.token}`, 'Tus-Resumable': '1.0.0' };
  const created = await fetch(`${server.url}/apis/entroos.io/v1/files/uploads`, {
    method: 'POST',
    headers: {
      ...auth,
      'Upload-Length': String(total),
      'Upload-Metadata': `filename ${Buffer.from(filename).toString('base64')}`,
    },
  });
  if (created.status !== 201) throw new Error(`upload create: ${created.status} ${await created.text()}`);
  const location = new URL(created.headers.get('location')!, server.url).toString();
  let digest = '';
  for (let offset = 0; offset < total; offset += CHUNK) {
    const size = Math.min(CHUNK, total - offset);
    const res = await fetch(location, {
      method: 'PATCH',
      headers: { ...auth, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
      body: new Uint8Array(chunkAt(offset, size)),
    });
    if (res.status !== 204) throw new Error(`upload patch at ${offset}: ${res.status} ${await res.text()}`);
    digest = res.headers.get('upload-digest') ?? digest;
  }
  return digest;
}

async function uploadThroughput(server: BenchServer): Promise<{ mbPerS: number; rssGrowthMb: number }> {
  const total = UPLOAD_MB * 2 ** 20;
  const block = randomBytes(CHUNK);
  const before = await serverRssMb(server);
  let peak = before;
  const sampler = setInterval(
    () =>
      void serverRssMb(server).then(
        (mb) => (peak = Math.max(peak, mb)),
        () => undefined,
      ),
    250,
  );
  const started = performance.now();
  const digest = await upload(server, 'big.bin', total, (offset, size) => {
    // Each chunk differs (its offset written in), so the file is not one block repeated.
    const chunk = block.subarray(0, size);
    chunk.writeUInt32BE(offset / CHUNK, 0);
    return chunk;
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, await serverRssMb(server));
  const mbPerS = UPLOAD_MB / seconds;
  console.log(
    `upload: ${UPLOAD_MB} MiB with tus in ${CHUNK / 2 ** 20} MiB chunks: ${round(mbPerS)} MiB/s, server RSS ${before} → peak ${peak} MiB (${digest})`,
  );
  return { mbPerS, rssGrowthMb: peak - before };
}

async function mixedConversions(server: BenchServer): Promise<number> {
  const headers = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' };
  const small = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3366aa' } })
    .jpeg()
    .toBuffer();
  const png = await sharp({ create: { width: 200, height: 200, channels: 4, background: '#aa3366' } })
    .png()
    .toBuffer();
  const rows = Array.from({ length: 50 }, (_, i) => `item-${i},${i},note ${i}`).join('\n');
  const inputs = [
    { file: 'a.jpg', bytes: small, target: 'webp' },
    { file: 'b.png', bytes: png, target: 'avif' },
    { file: 'c.csv', bytes: Buffer.from(`name,qty,note\n${rows}\n`), target: 'json' },
    { file: 'd.yaml', bytes: Buffer.from('a: 1\nb: [x, y]\n'), target: 'json' },
    { file: 'e.md', bytes: Buffer.from('# Title\n\nSome *text*.\n'), target: 'html' },
    { file: 'f.ndjson', bytes: Buffer.from('{"a":1}\n{"a":2}\n'), target: 'csv' },
  ];
  const uploaded = await Promise.all(
    inputs.map(async (i) => ({ ...i, digest: await upload(server, i.file, i.bytes.length, () => i.bytes) })),
  );
  const base = `${server.url}/apis/convert.entroos.io/v1/namespaces/default/conversions`;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 100 }, async (_, n) => {
      const i = uploaded[n % uploaded.length];
      const res = await fetch(base, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          metadata: { name: `bench-${n}` },
          spec: {
            input: { digest: i.digest, filename: i.file },
            target: i.target,
            runTimeoutSeconds: 60,
            queueTimeoutSeconds: 300,
          },
        }),
      });
      if (res.status !== 201) throw new Error(`conversion ${n}: ${res.status} ${await res.text()}`);
    }),
  );
  const deadline = Date.now() + 600_000;
  let items: Conversion[] = [];
  for (;;) {
    items = ((await (await fetch(base, { headers })).json()) as { items: Conversion[] }).items;
    if (items.filter((c) => c.status?.phase === 'Succeeded' || c.status?.phase === 'Failed').length >= 100) break;
    if (Date.now() > deadline) throw new Error('the 100 conversions did not finish in 10 minutes');
    await new Promise((r) => setTimeout(r, 250));
  }
  const timeouts = items.filter(
    (c) => c.status?.error?.reason === 'Timeout' || c.status?.error?.reason === 'QueueTimeout',
  ).length;
  const failed = items.filter((c) => c.status?.phase === 'Failed');
  const took = items
    .map((c) => (Date.parse(c.status?.completedAt ?? '') - Date.parse(String(c.metadata.creationTimestamp))) / 1000)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  console.log(
    `conversions: 100 mixed in ${round((Date.now() - started) / 1000)} s; ${failed.length} failed (${timeouts} for time)${failed[0] ? `, e.g. ${failed[0].status?.error?.reason}: ${failed[0].status?.error?.message}` : ''}; end to end median ${round(percentile(took, 50))} s, p95 ${round(percentile(took, 95))} s`,
  );
  return timeouts;
}

async function main() {
  console.log(
    `bench:convert on ${machine()}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const images = await imagesPerSecond();
  const files = mkdtempSync(join(tmpdir(), 'entroos-bench-files-'));
  const server = await startBenchServer({
    ENTROOS_NODES: '4',
    ENTROOS_CONVERT_QUEUE_LIMIT: '200',
    ENTROOS_CONVERT_DIR: files,
    ENTROOS_DEMO: 'false',
  });
  try {
    const timeouts = await mixedConversions(server);
    const upload = await uploadThroughput(server);
    console.log(
      JSON.stringify({
        images_per_s: round(images),
        conversions_100_timeouts: timeouts,
        upload_mb_per_s: round(upload.mbPerS),
        upload_rss_growth_mb: upload.rssGrowthMb,
      }),
    );
  } finally {
    await server.stop();
    rmSync(files, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
