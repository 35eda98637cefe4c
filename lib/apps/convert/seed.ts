import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import sharp from 'sharp';
import { typeByKey } from '../../apimachinery/registry.ts';
import type { ObjectApi } from '../../apiserver/object-api.ts';
import type { AppServices } from '../types.ts';
import { CONTENT_TYPES } from './engines/formats.ts';
import { fileStoreFor } from './status.ts';
import { API_VERSION, RESOURCES } from './types.ts';

// The demo's conversions, in namespace `files`: a photo (drawn here) through the example workflow — metadata
// stripped, then a thumbnail and a large WebP side by side — a Markdown report printed to PDF, and a CSV as JSON.
// Everything goes through the file store and the object API as a user's would, so the nodes run them at start.

const NS = 'files';

const REPORT = `# Quarterly report

| Region | Orders | Growth |
| ------ | -----: | -----: |
| North  |  1 204 |  +8 %  |
| South  |    987 |  +3 %  |

Every figure here was converted on a node of this cluster; the PDF's attestation names which.
`;

export async function seedConversions(api: ObjectApi, log: Logger, services: AppServices): Promise<void> {
  const files = fileStoreFor(services.config);
  const store = async (bytes: Buffer, filename: string, type: keyof typeof CONTENT_TYPES) =>
    (await files.put(Readable.from([bytes]), { contentType: CONTENT_TYPES[type], filename })).digest;
  const photo = await sharp({
    create: { width: 1600, height: 1067, channels: 3, background: { r: 40, g: 110, b: 170 } },
  })
    .composite([
      {
        input: Buffer.from(
          '<svg width="1600" height="1067"><circle cx="1150" cy="300" r="160" fill="#ffd75e"/><rect y="760" width="1600" height="307" fill="#2f7d4f"/></svg>',
        ),
      },
    ])
    .withExif({ IFD0: { Copyright: 'EntroOS demo', Artist: 'demo camera' } })
    .jpeg({ quality: 85 })
    .toBuffer();
  const photoDigest = await store(photo, 'harbour.jpg', 'jpeg');
  const reportDigest = await store(Buffer.from(REPORT), 'quarterly.md', 'markdown');
  const csvDigest = await store(Buffer.from('region,orders,growth\nNorth,1204,8\nSouth,987,3\n'), 'orders.csv', 'csv');

  const namespaces = typeByKey('namespaces');
  if (!api.peek(namespaces, undefined, NS)) await api.create(namespaces, undefined, { metadata: { name: NS } });
  await api.create(typeByKey(RESOURCES.workflows), NS, {
    apiVersion: API_VERSION,
    kind: 'Workflow',
    metadata: { name: 'photo-thumbnails' },
    spec: {
      input: { digest: photoDigest, filename: 'harbour.jpg' },
      steps: [
        { name: 'strip', target: 'png' },
        { name: 'thumb', from: 'strip', target: 'webp', options: { width: 240 } },
        { name: 'large', from: 'strip', target: 'webp', options: { width: 1280, quality: 82 } },
      ],
    },
  });
  const conversions = typeByKey(RESOURCES.conversions);
  await api.create(conversions, NS, {
    apiVersion: API_VERSION,
    kind: 'Conversion',
    metadata: { name: 'quarterly-report-pdf' },
    spec: { input: { digest: reportDigest, filename: 'quarterly.md' }, target: 'pdf' },
  });
  await api.create(conversions, NS, {
    apiVersion: API_VERSION,
    kind: 'Conversion',
    metadata: { name: 'orders-json' },
    spec: { input: { digest: csvDigest, filename: 'orders.csv' }, target: 'json' },
  });
  log.info({ namespace: NS }, 'seeded the file conversion demo');
}
