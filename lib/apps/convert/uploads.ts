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
//
// An upload belongs to the user who created it: its owner is kept in the upload's record (whatever the client put
// under that metadata key is replaced), only they may HEAD, PATCH or DELETE it (403 for anyone else), and the
// stored file lists them among its owners, which is what lets them name its digest in a Conversion (admission.ts).

import { DIGEST_HEADER, UPLOADS_PATH } from './types.ts';

/** The upload metadata key holding the user who created the upload (set here, never taken from the client). */
export const OWNER_KEY = 'owner';

// Who sent each request being handled: tus hands its hooks the request it was given, so the authenticated user
// travels with it instead of in a header a client could set. Process-wide like the server whose hooks read it.
const requesters = () => processGlobal('convert.tus.requesters', () => new WeakMap<Request, string>());

/** Serves a tus request made by `username` (already authenticated and authorized for files). */
export function handleUpload(files: FileStore, req: Request, username: string): Promise<Response> {
  requesters().set(req, username);
  return uploadServer(files).handleWeb(req);
}

type Handler = Pick<Server, 'handleWeb'>;

function requester(req: Request): string {
  const username = requesters().get(req);
  // Only handleUpload calls the server: a request without a user is a bug here, refused rather than let through.
  if (username === undefined) throw { status_code: 403, body: 'the upload request has no authenticated user\n' };
  return username;
}

function uploadServer(files: FileStore): Handler {
  return processGlobal(`convert.tus:${files.uploads}`, () => {
    const datastore = new TusFileStore({ directory: files.uploads });
    return new Server({
      path: UPLOADS_PATH,
      datastore,
      relativeLocation: true,
      respectForwardedHeaders: false,
      onIncomingRequest: async (req, id) => {
        if (req.method === 'POST') return;
        const username = requester(req);
        const upload = await datastore.getUpload(id).catch(() => undefined);
        // A missing upload is the handler's own 404.
        const owner = upload?.metadata?.[OWNER_KEY];
        if (upload && owner !== username)
          throw {
            status_code: 403,
            body: `upload ${id} was started by another user; only they may resume or delete it\n`,
          };
      },
      exposedHeaders: [DIGEST_HEADER],
      // tus reads 0 as "no limit": a full store allows one byte, which no upload fits in.
      maxSize: async () => Math.max(1, await files.free()),
      onUploadCreate: async (req, upload) => {
        // The whole declared length is reserved at once, so uploads side by side cannot pass the quota together;
        // an upload whose length is deferred could not be reserved.
        if (upload.size === undefined)
          throw { status_code: 400, body: 'Upload-Length is required: the quota is reserved when an upload starts\n' };
        files.account(upload.size);
        return { metadata: { ...upload.metadata, [OWNER_KEY]: requester(req) } };
      },
      onUploadFinish: async (req, upload) => {
        const filename = upload.metadata?.filename ?? undefined;
        const format = filename ? formatOf(filename) : undefined;
        const stored = await files.put(join(files.uploads, upload.id), {
          contentType: format ? CONTENT_TYPES[format] : (upload.metadata?.filetype ?? 'application/octet-stream'),
          filename: filename ?? undefined,
          move: true,
          owner: upload.metadata?.[OWNER_KEY] ?? requester(req),
        });
        await rm(join(files.uploads, `${upload.id}.json`), { force: true });
        return { headers: { [DIGEST_HEADER]: stored.digest } };
      },
    });
  });
}
