import { withAuth } from '@/lib/http/with-auth.ts';
import { getImageMarks, imageMarkList, imageMarkSchema, setImageMark } from '@/lib/kubelet/runtime/image-marks.ts';

export const dynamic = 'force-dynamic';

/** Images an admin marked missing or unauthorized (standalone agents read these too). */
export const GET = withAuth({ verb: 'list', resource: 'images' }, async ({ platform }) =>
  Response.json(imageMarkList(await getImageMarks(platform.store))),
);

/** Marks an image reference or a whole repository missing / unauthorized, or clears it ("none"). Pulls from then on fail (or succeed) accordingly. */
export const POST = withAuth(
  { verb: 'update', resource: 'images', body: imageMarkSchema },
  async ({ platform, body }) => Response.json(imageMarkList(await setImageMark(platform.store, platform.images, body))),
);
