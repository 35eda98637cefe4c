import { randomBytes, createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { adminHeaders, axeBothThemes, logIn } from './helpers.ts';

// The voter application on a phone, without an account: the identity is made in the browser, enrolment sends its
// commitment with an invite code, the vote is proved in a Web Worker in Chromium and sent, the ballot's vote count
// moves on the admin page (live, over the dashboard's watch), and the receipt is found in the ballot's public
// export.

test.use({ viewport: { width: 390, height: 844 } });

const NS = 'default';
const BASE = `/apis/voting.entroos.io/v1/namespaces/${NS}`;

test('a voter enrols, votes with a proof made in the browser, and finds the receipt in the export', async ({
  page,
  request,
  browser,
}) => {
  test.setTimeout(120_000);
  const headers = await adminHeaders(request, 'e2e voting');
  const code = randomBytes(12).toString('base64url');
  const suffix = randomBytes(3).toString('hex');
  const group = `e2e-${suffix}`;
  const ballot = `e2e-ballot-${suffix}`;
  const hash = createHash('sha256').update(code).digest('hex');
  expect(
    (
      await request.post(`${BASE}/groups`, {
        headers,
        data: { metadata: { name: group }, spec: { inviteCodeHashes: [hash] } },
      })
    ).status(),
  ).toBe(201);
  expect(
    (
      await request.post(`${BASE}/ballots`, {
        headers,
        data: {
          metadata: { name: ballot },
          spec: {
            question: 'Which colour for the bikeshed?',
            options: ['red', 'green', 'blue'],
            group,
            opensAt: new Date(Date.now() + 3_600_000).toISOString(),
            closesAt: new Date(Date.now() + 7_200_000).toISOString(),
          },
        },
      })
    ).status(),
  ).toBe(201);

  await page.goto(`/apps/voting/vote/${NS}/${ballot}?code=${code}`);
  await expect(page.getByRole('heading', { name: 'Which colour for the bikeshed?' })).toBeVisible();
  await page.getByRole('button', { name: 'Create my identity' }).click();
  await page.getByRole('button', { name: 'Show the passphrase' }).click();
  await expect(page.getByTestId('passphrase')).toHaveText(/^([0-9a-f]{4}-){15}[0-9a-f]{4}$/);
  await expect(page.getByLabel('Invite code')).toHaveValue(code);
  await page.getByRole('button', { name: 'Enrol' }).click();
  await expect(page.getByTestId('enrolled')).toHaveText('Enrolled (member 1).');
  await axeBothThemes(page, 'voter page');

  // The admin opens the ballot now.
  const current = await (await request.get(`${BASE}/ballots/${ballot}`, { headers })).json();
  current.spec.opensAt = new Date().toISOString();
  expect((await request.put(`${BASE}/ballots/${ballot}`, { headers, data: current })).status()).toBe(200);
  await expect
    .poll(async () => (await (await request.get(`${BASE}/ballots/${ballot}`, { headers })).json()).status?.state)
    .toBe('Open');

  // The admin watches the ballot on the dashboard meanwhile.
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const admin = await adminContext.newPage();
  await logIn(admin);
  await admin.goto('/apps/voting');
  const panel = admin.getByTestId(`ballot-${ballot}`);
  await expect(panel.getByTestId('ballot-turnout')).toHaveText('0 votes of 1 members (0 %)');

  await page.reload();
  await expect(page.getByTestId('ballot-state')).toContainText('Open');
  await expect(page.getByTestId('ballot-state')).toContainText('0 votes');
  await page.getByRole('radio', { name: 'green' }).check();
  const started = Date.now();
  await page.getByRole('button', { name: 'Cast my vote' }).click();
  await expect(page.getByTestId('voter-status')).toContainText(/…/);
  await expect(page.getByTestId('receipt')).toHaveText(new RegExp(`^${ballot}-[0-9a-f]{64}$`), { timeout: 60_000 });
  console.log(`vote proved in Chromium and admitted in ${Date.now() - started} ms`);
  await expect(page.getByTestId('ballot-state')).toContainText('1 vote');
  await expect(panel.getByTestId('ballot-turnout')).toHaveText('1 vote of 1 members (100 %)');
  await expect(panel.getByRole('figure', { name: 'Tally: red 0, green 1, blue 0' })).toBeVisible();
  await axeBothThemes(admin, 'voting admin page');
  await adminContext.close();
  await page.getByRole('button', { name: 'Check my vote was counted' }).click();
  await expect(page.getByTestId('receipt-check')).toHaveText('Your vote is in the export.');

  const after = await (await request.get(`${BASE}/ballots/${ballot}`, { headers })).json();
  expect(after.status.tally).toEqual([0, 1, 0]);
  // One vote stored for the ballot, named by its nullifier (the receipt).
  const votes = await (await request.get(`${BASE}/votes`, { headers })).json();
  expect(votes.items.filter((v: { spec: { ballot: string } }) => v.spec.ballot === ballot)).toHaveLength(1);

  // Anyone checks the whole ballot in the browser: the proof, the group root, the recount, the published key.
  await page.goto(`/apps/voting/verify/${NS}/${ballot}`);
  await page.getByRole('button', { name: 'Check this ballot in my browser' }).click();
  await expect(page.getByTestId('verify-result')).toContainText('✓ The ballot checks out.');
  await expect(page.getByTestId('verify-summary')).toContainText(
    '1 of 1 votes valid; the group root of 1 members matches',
  );
  await expect(page.getByTestId('verify-tally')).toContainText('green11');
  await expect(page.getByTestId('verify-result')).toContainText('(the one this cluster publishes)');
  await axeBothThemes(page, 'ballot verification page');
});
