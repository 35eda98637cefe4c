import { z } from 'zod';
import type { Store } from '../../store/index.ts';
import { IMAGE_MARKS, markTargetError, type ImageMark, type ImageRegistry } from './registry.ts';
import { KNOWN_IMAGE_SIZES_MIB, SUGGESTED_IMAGES } from './known-images.ts';
import { resolveImage, type Image } from './image.ts';

// Admin marks on the registry ("this image is missing", "this one needs
// credentials"), kept in the database so they survive restarts and every
// instance and standalone agent reads the same ones.

const SETTING = 'runtime.imageMarks';

export const imageMarkSchema = z
  .object({
    image: z
      .string()
      .min(1, 'image is required')
      .max(255)
      .refine((v) => !markTargetError(v), { error: (issue) => markTargetError(String(issue.input)) }),
    mark: z.enum([...IMAGE_MARKS, 'none'], {
      error: 'mark must be "missing", "unauthorized" or "none" (clears the mark)',
    }),
  })
  .strict();
export type ImageMarkRequest = z.infer<typeof imageMarkSchema>;

export async function getImageMarks(store: Store): Promise<Record<string, ImageMark>> {
  const raw = await store.settings.get(SETTING);
  return raw ? (JSON.parse(raw) as Record<string, ImageMark>) : {};
}

/** Sets (or with "none" clears) one mark; the registry of this instance's nodes applies it at once. */
export async function setImageMark(
  store: Store,
  registry: ImageRegistry | undefined,
  request: ImageMarkRequest,
): Promise<Record<string, ImageMark>> {
  const marks = await getImageMarks(store);
  if (request.mark === 'none') delete marks[request.image];
  else marks[request.image] = request.mark;
  await store.settings.set(SETTING, JSON.stringify(marks));
  registry?.replaceMarks(marks);
  return marks;
}

export function imageMarkList(marks: Record<string, ImageMark>) {
  return {
    kind: 'ImageMarkList',
    apiVersion: 'entroos.io/v1',
    items: Object.entries(marks).map(([image, mark]) => ({ image, mark })),
  };
}

/** The registry's well-known images with their sizes and layers, for the image picker. */
export function imageCatalog(marks: Record<string, ImageMark>) {
  return {
    kind: 'ImageList',
    apiVersion: 'entroos.io/v1',
    items: SUGGESTED_IMAGES.map((reference) => {
      // The suggested images are well-formed references by construction.
      const image = resolveImage(reference) as Image;
      const base = image.repository.split('/').at(-1) ?? '';
      return {
        image: reference,
        digest: image.digest,
        sizeBytes: image.size,
        layers: image.layers.length,
        wellKnown: base in KNOWN_IMAGE_SIZES_MIB,
        mark: marks[reference] ?? marks[image.repository] ?? null,
      };
    }),
  };
}
