import { createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { certifiedSigner, proveCertification } from '../../lib/apps/supply-chain/certification.ts';
import type { Batch, CertifiedSet, Participant } from '../../lib/apps/supply-chain/types.ts';
import { loadArtifacts } from '../../lib/proofs/artifacts.ts';
import { inProcessProver } from '../../lib/proofs/prover.ts';
import { terminateCurve } from '../../lib/proofs/verify.ts';
import { adminHeaders, axeBothThemes, logIn } from './helpers.ts';
import {
  batchDigest,
  CUSTODY_PREDICATE,
  generateParticipantKey,
  publicKeyBase64,
  signStatement,
  STATEMENT_TYPE,
  subjectName,
  type CustodyPredicate,
} from '../../lib/apps/supply-chain/attestation.ts';

// The supply-chain pages: a small chain made through the API, the live list, a batch's custody timeline and QR
// code, a recall confirmed in the UI reaching the batch made from it, and the public page (no login) at 390 px.

const NS = 'sc-e2e';
const createPublicKeyBase64 = (pem: string) => publicKeyBase64(createPublicKey(pem));
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
  const headers = await adminHeaders(request, 'e2e sc');
  await seed(request, headers);

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
  // The chain graph shows the recall's reach: the lot recalled, and what was made from it.
  const chain = page.getByTestId('sc-chain-graph');
  await expect(chain.locator('[data-node="lot-e2e"]')).toHaveAttribute('data-state', 'recalled');
  await chain.getByRole('link', { name: 'blend-e2e, recalled' }).click();
  await expect(page.getByTestId('sc-reason')).toHaveText('made from recalled batch lot-e2e');
  await expect(chain.getByRole('link', { name: 'lot-e2e, recalled' })).toBeVisible();

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

test('supply chain: a participant registered with a key made in the page records a custody step signed in the page', async ({
  page,
  request,
}, testInfo) => {
  const ns = 'sc-e2e-record';
  const headers = await adminHeaders(request, 'e2e sc2');
  expect((await request.post('/api/v1/namespaces', { headers, data: { metadata: { name: ns } } })).status()).toBe(201);

  await logIn(page);
  await page.goto('/apps/supply-chain');
  await page.getByText('Register a participant').click();
  await page.getByLabel('Namespace', { exact: true }).fill(ns);
  await page.getByLabel('Name', { exact: true }).fill('grower');
  await page.getByLabel(/Display name/).fill('The grower');
  await page.getByLabel(/Roles/).fill('farm');
  await page.getByRole('button', { name: 'Make a key and register' }).click();
  await expect(page.getByTestId('sc-p-made')).toContainText('Registered grower with key sha256:');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download grower.pem' }).click();
  const pem = testInfo.outputPath('grower.pem');
  await (await download).saveAs(pem);
  // The server holds the public key only; the file is the matching private key.
  const registered = await (
    await request.get(`/apis/supplychain.entroos.io/v1/namespaces/${ns}/participants/grower`, { headers })
  ).json();
  expect(createPublicKeyBase64(readFileSync(pem, 'utf8'))).toBe(registered.spec.publicKey);

  const spec = { product: 'green-coffee', producer: 'grower', quantity: 30, unit: 'kg' };
  expect(
    (
      await request.post(`/apis/supplychain.entroos.io/v1/namespaces/${ns}/batches`, {
        headers,
        data: { metadata: { name: 'lot-ui' }, spec },
      })
    ).status(),
  ).toBe(201);
  await page.goto(`/apps/supply-chain/batches/${ns}/lot-ui`);
  await expect(page.getByRole('heading', { name: 'Record a custody step' })).toBeVisible();
  await page.getByLabel('Participant', { exact: true }).selectOption('grower');
  await page.getByLabel('Step', { exact: true }).selectOption('produce');

  // Someone else's key is refused in the page, before anything is sent.
  const other = testInfo.outputPath('other.pem');
  writeFileSync(other, generateParticipantKey().privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  await page.getByLabel(/Private key file/).setInputFiles(other);
  await page.getByRole('button', { name: 'Sign and record' }).click();
  await expect(page.getByTestId('sc-step-error')).toContainText('is not the key registered for grower');

  await page.getByLabel(/Private key file/).setInputFiles(pem);
  await page.getByLabel(/Location/).fill('Huila');
  await page.getByRole('button', { name: 'Sign and record' }).click();
  await expect(page.getByTestId('sc-step-recorded')).toContainText('Recorded as lot-ui-produce-');
  await expect(page.getByTestId('sc-timeline')).toContainText('produce by grower');
  await expect(page.getByTestId('sc-timeline')).toContainText('✓ signature verified');
  await expect(page.getByTestId('sc-reason')).not.toHaveText('Not verified yet.');
  await request.delete(`/api/v1/namespaces/${ns}`, { headers });
});

test('supply chain: a certified-custody proof on the public page is checked again in the browser', async ({
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const ns = 'sc-e2e-cert';
  const base = `/apis/supplychain.entroos.io/v1/namespaces/${ns}`;
  const headers = await adminHeaders(request, 'e2e sc3');
  expect((await request.post('/api/v1/namespaces', { headers, data: { metadata: { name: ns } } })).status()).toBe(201);
  const people = { farm: generateParticipantKey(), lab: generateParticipantKey() };
  for (const [name, key] of Object.entries(people))
    expect(
      (
        await request.post(`${base}/participants`, {
          headers,
          data: { metadata: { name }, spec: { roles: ['farm'], publicKey: key.publicKey } },
        })
      ).status(),
    ).toBe(201);
  expect(
    (
      await request.post(`${base}/certifiedsets`, {
        headers,
        data: { metadata: { name: 'organic' }, spec: { displayName: 'Organic labs', members: ['lab'] } },
      })
    ).status(),
  ).toBe(201);
  const spec = { product: 'green-coffee', producer: 'farm', quantity: 9, unit: 'kg', disclose: ['certified'] };
  const digest = batchDigest(ns, 'lot-cert', spec as never);
  const sign = (who: 'farm' | 'lab', action: CustodyPredicate['action'], more: Partial<CustodyPredicate> = {}) =>
    signStatement(
      {
        _type: STATEMENT_TYPE,
        subject: [{ name: subjectName(ns, 'lot-cert'), digest: { sha256: digest } }],
        predicateType: CUSTODY_PREDICATE,
        predicate: { batch: 'lot-cert', participant: who, action, time: new Date().toISOString(), ...more },
      },
      people[who].privateKey,
    );
  for (const [who, action, more] of [
    ['farm', 'produce', {}],
    ['farm', 'handover', { to: 'lab' }],
    ['lab', 'receive', {}],
  ] as const)
    expect(
      (
        await request.post(`${base}/attestations`, {
          headers,
          data: {
            metadata: { generateName: 'lot-cert-' },
            spec: { batch: 'lot-cert', participant: who, action, envelope: sign(who, action, more) },
          },
        })
      ).status(),
    ).toBe(201);
  expect(
    (await request.post(`${base}/batches`, { headers, data: { metadata: { name: 'lot-cert' }, spec } })).status(),
  ).toBe(201);
  const read = async <T>(path: string) => (await (await request.get(`${base}/${path}`, { headers })).json()) as T;
  await expect.poll(async () => (await read<Batch>('batches/lot-cert')).status?.phase).toBe('Complete');
  await expect.poll(async () => (await read<CertifiedSet>('certifiedsets/organic')).status?.root).toBeTruthy();

  // This test server runs no provers (ENTROOS_PROVERS=0), so the test proves as the cluster would, with the same
  // circuit and key, and stores the proof where the controller would.
  const set = await read<CertifiedSet>('certifiedsets/organic');
  const batch = await read<Batch>('batches/lot-cert');
  const lab = await read<Participant>('participants/lab');
  const certification = await proveCertification(
    inProcessProver(loadArtifacts()),
    batch,
    set,
    certifiedSigner(batch, set)!,
    lab,
  );
  const put = await request.put(`${base}/batches/lot-cert/status`, {
    headers,
    data: { ...batch, status: { ...batch.status, certificationProblem: undefined, certifications: [certification] } },
  });
  expect(put.status()).toBe(200);

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await phone.newPage();
  await page.goto(`/apps/supply-chain/verify/${ns}/lot-cert`);
  const section = page.getByTestId('sc-certified');
  await expect(section).toContainText('✓ Passed through a facility certified in Organic labs.');
  await section.getByRole('button', { name: 'Check the proof in this browser' }).click();
  await expect(page.getByTestId('sc-certified-browser')).toContainText('✓ Proof verified in this browser');
  await expect(page.getByText('lab', { exact: true })).toHaveCount(0);
  await phone.close();
  await request.delete(`/api/v1/namespaces/${ns}`, { headers });
});

test.afterAll(() => terminateCurve());
