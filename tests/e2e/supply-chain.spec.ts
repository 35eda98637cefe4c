import { expect, test, type APIRequestContext } from '@playwright/test';
import { axeBothThemes, logIn } from './helpers.ts';
import { ADMIN_PASSWORD } from '../helpers/server.ts';
import {
  batchDigest,
  CUSTODY_PREDICATE,
  generateParticipantKey,
  signStatement,
  STATEMENT_TYPE,
  subjectName,
  type CustodyPredicate,
} from '../../lib/apps/supply-chain/attestation.ts';

// The supply-chain pages: a small chain made through the API, the live list, a batch's custody timeline and QR
// code, a recall confirmed in the UI reaching the batch made from it, and the public page (no login) at 390 px.

const NS = 'sc-e2e';
const BASE = `/apis/supplychain.entroos.io/v1/namespaces/${NS}`;
const keys = { farm: generateParticipantKey(), coop: generateParticipantKey() };
let hour = 0;

function attestation(
  batch: string,
  spec: Record<string, unknown>,
  signer: 'farm' | 'coop',
  action: CustodyPredicate['action'],
  more: Partial<CustodyPredicate> = {},
) {
  hour += 1;
  const predicate: CustodyPredicate = {
    batch,
    participant: signer,
    action,
    time: new Date(Date.UTC(2026, 8, 1, hour)).toISOString(),
    ...more,
  };
  const envelope = signStatement(
    {
      _type: STATEMENT_TYPE,
      subject: [{ name: subjectName(NS, batch), digest: { sha256: batchDigest(NS, batch, spec as never) } }],
      predicateType: CUSTODY_PREDICATE,
      predicate,
    },
    keys[signer].privateKey,
  );
  return { metadata: { name: `${batch}-${hour}` }, spec: { batch, participant: signer, action, envelope } };
}

async function seed(request: APIRequestContext, headers: Record<string, string>) {
  expect((await request.post('/api/v1/namespaces', { headers, data: { metadata: { name: NS } } })).status()).toBe(201);
  for (const [name, key] of Object.entries(keys)) {
    const res = await request.post(`${BASE}/participants`, {
      headers,
      data: {
        metadata: { name },
        spec: {
          roles: [name === 'farm' ? 'farm' : 'cooperative'],
          displayName: `The ${name}`,
          publicKey: key.publicKey,
        },
      },
    });
    expect(res.status()).toBe(201);
  }
  const lot = {
    product: 'green-coffee',
    producer: 'farm',
    quantity: 60,
    unit: 'kg',
    disclose: ['product', 'producer', 'custody'],
  };
  const blend = { product: 'green-coffee', producer: 'coop', quantity: 60, unit: 'kg', inputs: ['lot-e2e'] };
  const steps = [
    attestation('lot-e2e', lot, 'farm', 'produce'),
    attestation('lot-e2e', lot, 'farm', 'handover', { to: 'coop' }),
    attestation('lot-e2e', lot, 'coop', 'receive'),
    attestation('blend-e2e', blend, 'coop', 'process', { inputs: [{ name: 'lot-e2e', digest: { sha256: '' } }] }),
  ];
  for (const a of steps) expect((await request.post(`${BASE}/attestations`, { headers, data: a })).status()).toBe(201);
  for (const [name, spec] of [
    ['lot-e2e', lot],
    ['blend-e2e', blend],
  ] as const)
    expect((await request.post(`${BASE}/batches`, { headers, data: { metadata: { name }, spec } })).status()).toBe(201);
}

test('supply chain: list, custody timeline, QR code, recall with confirmation, public page at 390 px', async ({
  page,
  request,
  browser,
}) => {
  // Four axe scans (two pages, two themes each) on top of the steps.
  test.setTimeout(120_000);
  const { token } = await (
    await request.post('/api/login', { data: { username: 'admin', password: ADMIN_PASSWORD, tokenName: 'e2e sc' } })
  ).json();
  await seed(request, { Authorization: `Bearer ${token}` });

  await logIn(page);
  await page.getByRole('link', { name: 'Supply chain' }).click();
  await expect(page.getByRole('heading', { name: 'Supply-chain verifier' })).toBeVisible();
  const table = page.getByTestId('sc-batches');
  await expect(table.getByRole('row').filter({ hasText: 'blend-e2e' })).toContainText('Verified');

  await expect(page.getByTestId('sc-participants')).toContainText(keys.farm.publicKey);
  await axeBothThemes(page, 'supply chain page');
  await table.getByRole('link', { name: 'lot-e2e' }).click();
  await expect(page.getByTestId('sc-timeline').getByRole('listitem')).toHaveCount(3);
  await expect(page.getByTestId('sc-timeline')).toContainText('handover by farm → coop');
  await expect(page.getByTestId('sc-timeline')).toContainText('✓ signature verified');
  await expect(page.getByTestId('sc-qr').locator('svg')).toBeVisible();
  await axeBothThemes(page, 'batch page');

  await page.getByRole('button', { name: 'Recall lot-e2e…' }).click();
  await expect(page.getByRole('button', { name: 'Confirm recall' })).toBeDisabled();
  await page.getByLabel(/Reason/).fill('Mould in sample');
  await page.getByRole('button', { name: 'Confirm recall' }).click();
  await expect(page.getByTestId('sc-reason')).toHaveText('recalled: Mould in sample');
  await page.getByRole('link', { name: 'blend-e2e' }).click();
  await expect(page.getByTestId('sc-reason')).toHaveText('made from recalled batch lot-e2e');

  // The QR code's page, on a phone, without a session.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const mobile = await phone.newPage();
  await mobile.goto(`/apps/supply-chain/verify/${NS}/lot-e2e`);
  await expect(mobile.getByTestId('sc-verdict')).toContainText('Not verified');
  await expect(mobile.getByTestId('sc-public-reason')).toHaveText('Recalled: Mould in sample');
  await expect(mobile.getByText('The farm', { exact: true })).toBeVisible();
  expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await axeBothThemes(mobile, 'public verification page');
  await phone.close();
});
