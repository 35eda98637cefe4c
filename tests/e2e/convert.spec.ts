import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { expect, test } from '@playwright/test';
import { startServer, type TestServer } from '../helpers/server.ts';
import { axeBothThemes, logIn } from './helpers.ts';

// The file conversion page: files picked in the uploader are uploaded with tus (progress bars), converted by the
// engines on the nodes (the list follows the watch), downloaded, and verified. It needs simulated nodes, so it
// starts its own server (the shared e2e server has none).

let server: TestServer;

test.beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_NODES: '2' } });
});
test.afterAll(async () => {
  await server?.stop();
});

test('upload, watch the conversion, download and verify', async ({ page }) => {
  test.setTimeout(90_000);
  await logIn(page, 'admin', undefined, server.url);
  await page.goto(`${server.url}/apps/convert`);
  await expect(page.getByRole('heading', { name: 'File conversion' })).toBeVisible();
  const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#2277cc' } })
    .jpeg()
    .toBuffer();
  const csv = Buffer.from('name,qty\nbeans,3\n');
  await page.getByLabel('Target').selectOption('webp');
  await page.getByLabel('Width (images)').fill('200');
  await page.getByTestId('convert-files').setInputFiles([
    { name: 'beach.jpg', mimeType: 'image/jpeg', buffer: photo },
    { name: 'table.csv', mimeType: 'text/csv', buffer: csv },
  ]);
  // A CSV does not become a WebP: said at once, nothing uploaded for it.
  await expect(page.getByRole('status').filter({ hasText: 'table.csv cannot be converted to webp' })).toBeVisible();
  const row = page.getByTestId('conversions').getByRole('row').filter({ hasText: 'beach.jpg' });
  await expect(row).toContainText('Succeeded', { timeout: 30_000 });
  await expect(row).toContainText(/entroos-node-\d/);
  const link = row.getByRole('link', { name: 'beach.webp' });
  const download = page.waitForEvent('download');
  await link.click();
  const file = await (await download).path();
  const meta = await sharp(readFileSync(file)).metadata();
  expect([meta.format, meta.width]).toEqual(['webp', 200]);
  await row.getByRole('button', { name: 'Verify' }).click();
  await expect(row.getByRole('status')).toContainText('verified');
  await axeBothThemes(page, 'the file conversion page');
});
