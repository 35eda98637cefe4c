import { isValidReference, parseReference, resolveImage, type Image } from './image.ts';

// Mock Docker's registry: resolves references to images and answers pulls the
// way a real registry fails — a malformed reference, an image an admin marked
// missing, or one marked as needing credentials we do not have.

export const IMAGE_MARKS = ['missing', 'unauthorized'] as const;
export type ImageMark = (typeof IMAGE_MARKS)[number];

export type PullResult =
  { ok: true; image: Image } | { ok: false; reason: 'InvalidImageName' | 'NotFound' | 'Unauthorized'; message: string };

/** The canonical name a runtime reports for a short reference (docker.io/library/nginx:1.27). */
export function canonicalName(reference: string): string {
  const { repository, tag } = parseReference(reference);
  const first = repository.split('/')[0];
  const hasRegistry = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const full = hasRegistry
    ? repository
    : repository.includes('/')
      ? `docker.io/${repository}`
      : `docker.io/library/${repository}`;
  return reference.includes('@') ? `${full}@${reference.split('@')[1]}` : `${full}:${tag}`;
}

export class ImageRegistry {
  /** Marks by exact reference ("app:1.0") or by repository ("app": every tag). */
  private marks = new Map<string, ImageMark>();

  constructor(marks: Record<string, ImageMark> = {}) {
    this.replaceMarks(marks);
  }

  replaceMarks(marks: Record<string, ImageMark>) {
    this.marks = new Map(Object.entries(marks));
  }

  listMarks(): Record<string, ImageMark> {
    return Object.fromEntries(this.marks);
  }

  markOf(reference: string): ImageMark | undefined {
    return this.marks.get(reference) ?? this.marks.get(parseReference(reference).repository);
  }

  /** What pulling `reference` from the registry gives. */
  pull(reference: string): PullResult {
    const image = resolveImage(reference);
    if (!image) {
      return {
        ok: false,
        reason: 'InvalidImageName',
        message: `failed to pull image "${reference}": invalid reference format`,
      };
    }
    const name = canonicalName(reference);
    switch (this.markOf(reference)) {
      case 'missing':
        return {
          ok: false,
          reason: 'NotFound',
          message: `rpc error: code = NotFound desc = failed to pull and unpack image "${name}": ${name}: not found`,
        };
      case 'unauthorized':
        return {
          ok: false,
          reason: 'Unauthorized',
          message: `rpc error: code = Unknown desc = failed to pull and unpack image "${name}": pull access denied, repository does not exist or may require authorization: authorization failed`,
        };
    }
    return { ok: true, image };
  }
}

/** Validates a mark's target: a reference or a bare repository. */
export function markTargetError(target: string): string | undefined {
  return isValidReference(target)
    ? undefined
    : `"${target}" is not an image reference or repository (e.g. "myorg/app" or "myorg/app:1.0")`;
}
