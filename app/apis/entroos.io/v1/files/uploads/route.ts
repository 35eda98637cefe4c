import { withAuth, type RouteContext } from '@/lib/http/with-auth.ts';
import { fileStoreFor } from '@/lib/apps/convert/status.ts';
import { handleUpload } from '@/lib/apps/convert/uploads.ts';

// Creating a resumable upload (tus 1.0.0) for the file conversion app: POST with Upload-Length answers its
// Location (uploads/[id] takes the chunks); OPTIONS tells what the server supports.

export const dynamic = 'force-dynamic';

const handle = async ({ req, platform, principal }: RouteContext<undefined>) => {
  const files = fileStoreFor(platform.config);
  await files.init();
  return handleUpload(files, req, principal.username);
};

export const POST = withAuth({ verb: 'create', resource: 'files.convert.entroos.io' }, handle);
export const OPTIONS = withAuth({ verb: 'get', resource: 'files.convert.entroos.io' }, handle);
