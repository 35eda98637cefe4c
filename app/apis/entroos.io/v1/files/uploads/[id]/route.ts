import { withAuth, type RouteContext } from '@/lib/http/with-auth.ts';
import { fileStoreFor } from '@/lib/apps/convert/status.ts';
import { handleUpload } from '@/lib/apps/convert/uploads.ts';

// One resumable upload (tus 1.0.0): HEAD tells how much arrived (resume there), PATCH appends at Upload-Offset
// and the last chunk answers the file's digest (Upload-Digest), DELETE drops it. The body streams to disk;
// server.ts lets this path's bodies past the API's JSON body limit (the quota bounds them instead). Only the user who
// created the upload may touch it (403 for others: lib/apps/convert/uploads.ts).

export const dynamic = 'force-dynamic';

const handle = async ({ req, platform, principal }: RouteContext<undefined>) => {
  const files = fileStoreFor(platform.config);
  await files.init();
  return handleUpload(files, req, principal.username);
};

export const PATCH = withAuth({ verb: 'create', resource: 'files.convert.entroos.io' }, handle);
export const DELETE = withAuth({ verb: 'delete', resource: 'files.convert.entroos.io' }, handle);
export const HEAD = withAuth({ verb: 'get', resource: 'files.convert.entroos.io' }, handle);
