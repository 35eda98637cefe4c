import { withAuth } from '@/lib/http/with-auth.ts';
import { getImageMarks, imageCatalog } from '@/lib/kubelet/runtime/image-marks.ts';

export const dynamic = 'force-dynamic';

/** The mock registry's well-known images (sizes, layers, marks): the image picker's suggestions. */
export const GET = withAuth({ verb: 'list', resource: 'images' }, async ({ platform }) =>
  Response.json(imageCatalog(await getImageMarks(platform.store))),
);
