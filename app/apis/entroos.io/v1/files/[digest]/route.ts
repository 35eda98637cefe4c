import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { notFound } from '@/lib/apimachinery/errors.ts';
import { withAuth } from '@/lib/http/with-auth.ts';
import { fileStoreFor } from '@/lib/apps/convert/status.ts';

// A stored file of the conversion app by its digest (sha256:<hex>), streamed with its content type; `?download=1`
// asks the browser to save it under its name.

export const dynamic = 'force-dynamic';

export const GET = withAuth(
  { verb: 'get', resource: 'files.convert.entroos.io' },
  async ({ platform, params, url }) => {
    const digest = decodeURIComponent(String(params.digest));
    const files = fileStoreFor(platform.config);
    const file = await files.get(digest);
    if (!file) throw notFound(`file "${digest}" not found`, { kind: 'files', name: digest });
    const name = (url.searchParams.get('filename') ?? file.filename ?? digest.slice(7, 19)).replace(/["\\\r\n]/g, '_');
    const body = Readable.toWeb(createReadStream(files.pathOf(digest))) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: {
        'Content-Type': file.contentType,
        'Content-Length': String(file.size),
        'Content-Disposition': `${url.searchParams.get('download') ? 'attachment' : 'inline'}; filename="${name}"`,
        'X-Content-Type-Options': 'nosniff',
        // An HTML output must not run in the dashboard's origin.
        'Content-Security-Policy': "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox",
        Digest: `sha-256=${Buffer.from(digest.slice(7), 'hex').toString('base64')}`,
        'Cache-Control': 'private, max-age=31536000, immutable',
      },
    });
  },
);
