import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { Server } from '@tus/server';
import { FileStore as TusFileStore } from '@tus/file-store';
import { processGlobal } from '../../global.ts';
import { CONTENT_TYPES, formatOf } from './engines/formats.ts';
import type { FileStore } from './storage.ts';

// Resumable uploads with the tus protocol (tus.io, v1.0.0: creation, HEAD to resume at the stored offset, PATCH
// chunks, termination) through @tus/server with its file store, under the app's uploads/ directory. Chunks go
// from the request stream to the file; nothing holds a whole upload. An upload's declared length must fit in the
// quota's free space (413 otherwise); once its last byte arrives it is hashed into the content-addressed store and
// the final PATCH answers its digest in `Upload-Digest` (sha256:<hex>).

export const UPLOADS_PATH = '/apis/entroos.io/v1/files/uploads';
export const DIGEST_HEADER = 'Upload-Digest';

type Handler = Pick<Server, 'handleWeb'>;

export function uploadServer(files: FileStore): Handler {
  return processGlobal(`convert.tus:${files.uploads}`, () => {
    return new Server({
      path: UPLOADS_PATH,
      datastore: new TusFileStore({ directory: files.uploads }),
      relativeLocation: true,
      respectForwardedHeaders: false,
      exposedHeaders: [DIGEST_HEADER],
      // tus reads 0 as "no limit": a full store allows one byte, which no upload fits in.
      maxSize: async () => Math.max(1, await files.free()),
      onUploadCreate: async (_req, upload) => {
        // The whole declared length is reserved at once, so uploads side by side cannot pass the quota together;
        // an upload whose length is deferred could not be reserved.
        if (upload.size === undefined)
          throw { status_code: 400, body: 'Upload-Length is required: the quota is reserved when an upload starts\n' };
        files.account(upload.size);
        return {};
      },
      onUploadFinish: async (_req, upload) => {
        const filename = upload.metadata?.filename ?? undefined;
        const format = filename ? formatOf(filename) : undefined;
        const stored = await files.put(join(files.uploads, upload.id), {
          contentType: format ? CONTENT_TYPES[format] : (upload.metadata?.filetype ?? 'application/octet-stream'),
          filename: filename ?? undefined,
          move: true,
        });
        await rm(join(files.uploads, `${upload.id}.json`), { force: true });
        return { headers: { [DIGEST_HEADER]: stored.digest } };
      },
    });
  });
}
