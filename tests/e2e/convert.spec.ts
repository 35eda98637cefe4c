import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { expect, test } from '@playwright/test';
import { startServer, type TestServer } from '../helpers/server.ts';
import { axeBothThemes, logIn } from './helpers.ts';

// The file conversion page: files picked in the uploader are uploaded with tus (progress bars), converted by the
// engines on the nodes (the list follows the watch), downloaded, and verified; files dropped on it go through a
// seeded example workflow, step by step. It needs simulated nodes and the demo's workflow, so it starts its own
// server (the shared e2e server has neither).

let server: TestServer;

test.beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_NODES: '2', ENTROOS_DEMO: 'true' } });
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

test('drop several files into a seeded workflow, follow its steps, download an output and verify it', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await logIn(page, 'admin', undefined, server.url);
  await page.goto(`${server.url}/apps/convert`);
  // The demo's example workflow: metadata stripped to PNG, then a 240 px and a 1280 px WebP.
  const option = page.getByRole('option', {
    name: /^workflow files\/photo-thumbnails: strip → png, thumb → webp 240px/,
  });
  await expect(option).toBeAttached({ timeout: 30_000 });
  await page.getByLabel('Target').selectOption('workflow:files/photo-thumbnails');
  const jpeg = async (background: string) =>
    (
      await sharp({ create: { width: 800, height: 600, channels: 3, background } })
        .withExif({ IFD0: { Copyright: 'someone' } })
        .jpeg()
        .toBuffer()
    ).toString('base64');
  const files = [
    { name: 'dock.jpg', type: 'image/jpeg', b64: await jpeg('#225588') },
    { name: 'pier.jpg', type: 'image/jpeg', b64: await jpeg('#885522') },
    { name: 'notes.csv', type: 'text/csv', b64: Buffer.from('a,b\n1,2\n').toString('base64') },
  ];
  // Records each state of each workflow row's steps as the page renders it.
  await page.evaluate(() => {
    const record: Record<string, string[]> = {};
    (window as unknown as { __steps: Record<string, string[]> }).__steps = record;
    new MutationObserver(() => {
      for (const row of document.querySelectorAll('[data-testid=workflows] tbody tr')) {
        const input = row.querySelectorAll('td')[1]?.textContent ?? '';
        const state = [...row.querySelectorAll('[data-testid^=step-]')]
          .map(
            (li) =>
              `${li.getAttribute('data-testid')?.slice(5)} ${/Succeeded|Failed|Running|Queued|Pending|Waiting/.exec(li.textContent ?? '')?.[0]}`,
          )
          .join(', ');
        const seen = (record[input] ??= []);
        if (seen.at(-1) !== state) seen.push(state);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  // A real drop: the files in a DataTransfer, dropped on the uploader.
  const dataTransfer = await page.evaluateHandle((all) => {
    const dt = new DataTransfer();
    for (const f of all)
      dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    return dt;
  }, files);
  await page.getByTestId('convert-drop').dispatchEvent('drop', { dataTransfer });
  // A CSV cannot become a PNG: said at once, nothing uploaded for it.
  await expect(
    page
      .getByRole('status')
      .filter({ hasText: 'notes.csv cannot go through workflow photo-thumbnails (step strip makes png)' }),
  ).toBeVisible();

  const workflows = page.getByTestId('workflows');
  for (const name of ['dock.jpg', 'pier.jpg']) {
    const row = workflows.getByRole('row').filter({ hasText: name });
    for (const step of ['strip', 'thumb', 'large'])
      await expect(row.getByTestId(`step-${step}`)).toContainText('Succeeded', { timeout: 60_000 });
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('Succeeded');
  }
  // Live: every state the page showed for the steps, recorded as it rendered them (no reload in between), went
  // from waiting to done.
  const states = await page.evaluate(() => (window as unknown as { __steps: Record<string, string[]> }).__steps);
  for (const name of ['dock.jpg', 'pier.jpg']) {
    const seen = states[name] ?? [];
    expect(seen.length, JSON.stringify(seen)).toBeGreaterThan(1);
    expect(seen[0]).toMatch(/Waiting|Pending|Queued|Running/);
    expect(seen.at(-1)).toBe('strip Succeeded, thumb Succeeded, large Succeeded');
  }

  const row = workflows.getByRole('row').filter({ hasText: 'dock.jpg' });
  const thumb = row.getByTestId('step-thumb');
  const link = thumb.getByRole('link', { name: 'dock-strip-thumb.webp' });
  const response = await page.request.get(new URL((await link.getAttribute('href'))!, server.url).toString());
  expect(response.headers()['content-type']).toBe('image/webp');
  const download = page.waitForEvent('download');
  await link.click();
  const bytes = readFileSync(await (await download).path());
  expect(bytes.equals(await response.body())).toBe(true);
  const meta = await sharp(bytes).metadata();
  expect([meta.format, meta.width, meta.exif]).toEqual(['webp', 240, undefined]);

  await thumb.getByRole('button', { name: 'Verify thumb' }).click();
  await expect(thumb.getByRole('status')).toContainText('verified');
  await axeBothThemes(page, 'the file conversion page with workflows');
});
