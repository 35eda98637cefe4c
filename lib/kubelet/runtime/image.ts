import { createHash } from 'node:crypto';

// Mock Docker's image registry: every well-formed reference "pulls"; its layers
// are derived deterministically from the reference, so tags of one image
// share base layers, and well-known images have realistic sizes.

export interface ImageLayer {
  digest: string;
  size: number;
}

export interface Image {
  reference: string;
  repository: string;
  tag: string;
  digest: string;
  layers: ImageLayer[];
  size: number;
}

import { KNOWN_IMAGE_SIZES_MIB as KNOWN } from './known-images.ts';

const REFERENCE =
  /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

export function isValidReference(reference: string): boolean {
  return reference.length <= 255 && REFERENCE.test(reference);
}

export function parseReference(reference: string): { repository: string; tag: string } {
  const withoutDigest = reference.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  return { repository: withoutDigest, tag: 'latest' };
}

// Resolved images by reference: an image is a pure function of its reference, and working it out (five SHA-256
// digests) at every container start was up to ~6 % of the server's time while pods started. Shared, so never
// changed by callers; bounded, as references come from pod specs.
const resolved = new Map<string, Image | undefined>();
const RESOLVED_MAX = 10_000;

/** The image for a reference, or undefined when the reference is malformed. */
export function resolveImage(reference: string): Image | undefined {
  if (resolved.has(reference)) return resolved.get(reference);
  if (resolved.size >= RESOLVED_MAX) resolved.clear();
  const image = computeImage(reference);
  resolved.set(reference, image);
  return image;
}

function computeImage(reference: string): Image | undefined {
  if (!isValidReference(reference)) return undefined;
  const { repository, tag } = parseReference(reference);
  const base = repository.split('/').at(-1) ?? '';
  const totalMiB = KNOWN[base] ?? 20 + (parseInt(sha(repository).slice(0, 4), 16) % 180);
  // A base layer per flavour (alpine, slim, default), shared by every tag of
  // that flavour; then repository layers; then a small tag-specific layer.
  const flavour = /alpine/.test(tag) ? 'alpine' : /slim/.test(tag) ? 'slim' : 'debian';
  const scale = flavour === 'alpine' ? 0.35 : flavour === 'slim' ? 0.6 : 1;
  const total = Math.round(totalMiB * scale * 2 ** 20);
  const layers: ImageLayer[] = [
    { digest: `sha256:${sha(`base:${flavour}`)}`, size: Math.round(total * 0.4) },
    { digest: `sha256:${sha(`repo:${repository}:${flavour}`)}`, size: Math.round(total * 0.5) },
    {
      digest: `sha256:${sha(`tag:${repository}:${tag}`)}`,
      size: total - Math.round(total * 0.4) - Math.round(total * 0.5),
    },
  ];
  return {
    reference,
    repository,
    tag,
    digest: `sha256:${sha(layers.map((l) => l.digest).join())}`,
    layers,
    size: total,
  };
}
