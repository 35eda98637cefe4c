import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { notFound } from '@/lib/apimachinery/errors.ts';
import { withAuth } from '@/lib/http/with-auth.ts';
import { fileStoreFor } from '@/lib/apps/convert/status.ts';
import { fileSharing } from '@/lib/apps/convert/file-access.ts';

// A stored file of the conversion app by its digest (sha256:<hex>), streamed with its content type; `?download=1`
// asks the browser to save it under its name. Readable by its uploaders, and by whoever may get files in a
// namespace whose conversions or workflows name it; to anyone else it does not exist (knowing a digest is not
// enough: it would confirm who stored which content).

export const dynamic = 'force-dynamic';

const digestOf = (params: Record<string, string | string[]>) => decodeURIComponent(String(params.digest));

const hidden = (digest: string) =>
  notFound(
    `file "${digest}" not found: there is no such file, or it is not shared with you (its uploaders may read it, and so may whoever may get files.convert.entroos.io in a namespace whose conversions or workflows name it)`,
    { kind: 'files', name: digest },
  );

export const GET = withAuth(
  {
    verb: 'get',
    resource: 'files.convert.entroos.io',
    shared: {
      sharing: (platform, params) => fileSharing(platform.api, fileStoreFor(platform.config), digestOf(params)),
      hidden: (params) => hidden(digestOf(params)),
    },
  },
  async ({ platform, params, url }) => {
    const digest = digestOf(params);
    const files = fileStoreFor(platform.config);
    const file = await files.get(digest);
    // Expired since the check.
    if (!file) throw hidden(digest);
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
