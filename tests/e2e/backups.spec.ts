import { gunzipSync, gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { readTar, writeTar } from '../../lib/backup/tar.ts';
import { axeBothThemes, logIn, toast } from './helpers.ts';

test('an admin takes a backup, checks a changed cluster against it, and restores it', async ({ page }) => {
  // Two axe passes and a restore on a shared machine.
  test.setTimeout(120_000);
  await logIn(page);
  await page.getByRole('link', { name: 'Backups', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Backups', level: 1 })).toBeVisible();
  await page.getByTestId('create-backup').click();
  const stored = toast(page, 'success', 'Stored entroos-backup-');
  await expect(stored).toBeVisible();
  const name = /entroos-backup-\S+\.tar\.gz/.exec((await stored.textContent()) ?? '')?.[0] ?? '';
  await expect(page.getByTestId('backups-table')).toContainText(name);
  const download = await page.request.get(`/apis/entroos.io/v1/backups/${name}`);
  expect(download.status()).toBe(200);
  const file = Buffer.from(await download.body());

  // A change after the backup: the dry run shows it as one ConfigMap to remove.
  const created = await page.request.post('/api/v1/namespaces/default/configmaps', {
    data: { metadata: { name: 'e2e-after-backup' }, data: { a: '1' } },
  });
  expect(created.status()).toBe(201);
  await page.getByTestId('restore-file').setInputFiles({ name, mimeType: 'application/gzip', buffer: file });
  await page.getByTestId('dry-run').click();
  await expect(page.getByTestId('restore-diff')).toBeVisible();
  await expect(page.getByTestId('removed-configmaps')).toHaveText('1');
  await axeBothThemes(page, 'backups');

  page.once('dialog', (dialog) => dialog.accept());
  await page.getByTestId('restore-apply').click();
  await expect(toast(page, 'success', 'Restored: added ')).toBeVisible();
  const gone = await page.request.get('/api/v1/namespaces/default/configmaps/e2e-after-backup');
  expect(gone.status()).toBe(404);
});

test('a tampered backup is refused with the part named', async ({ page }) => {
  await logIn(page);
  const made = await page.request.post('/apis/entroos.io/v1/backups?download=true');
  expect(made.status()).toBe(201);
  const entries = readTar(gunzipSync(Buffer.from(await made.body()))).map((e) =>
    e.name === 'objects/namespaces.jsonl'
      ? { name: e.name, data: Buffer.from(e.data.toString().replace('default', 'defaulz')) }
      : e,
  );
  await page.goto('/settings/backups');
  await page
    .getByTestId('restore-file')
    .setInputFiles({ name: 'bad.tar.gz', mimeType: 'application/gzip', buffer: gzipSync(writeTar(entries)) });
  await page.getByTestId('dry-run').click();
  await expect(page.getByTestId('restore-error')).toContainText('objects/namespaces.jsonl does not match its sha256');
  await expect(toast(page, 'error', 'objects/namespaces.jsonl')).toBeVisible();
});

test('a viewer is told backups are for admins', async ({ page }) => {
  await logIn(page, 'viewer1', 'viewer1-password');
  await page.goto('/settings/backups');
  await expect(page.getByText('Only admins take and restore backups.')).toBeVisible();
  await expect(page.getByTestId('create-backup')).toHaveCount(0);
});
