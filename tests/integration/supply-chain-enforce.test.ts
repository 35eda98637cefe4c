import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';
import { generateParticipantKey, signStatement } from '@/lib/apps/supply-chain/attestation.ts';
import { provenanceStatement } from '@/lib/apps/supply-chain/build.ts';

// Admission enforcement of build attestations through the real API: a namespace without the label admits any
// image; one labelled supplychain.entroos.io/enforce=true refuses a tag without a digest and a digest nobody
// attested (403, naming what is missing, nothing stored), and admits a digest a builder attested.

const SECURE = 'secure';
const OPEN = 'open';
const SC = `/apis/supplychain.entroos.io/v1/namespaces/${SECURE}`;
const builder = generateParticipantKey();
const farmer = generateParticipantKey();
const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const ATTESTED = digestOf('image attested by ci');
const UNATTESTED = digestOf('image nobody attested');

let server: TestServer;
let api: ReturnType<typeof client>;

const pod = (name: string, image: string) => ({
  metadata: { name },
  spec: { containers: [{ name: 'app', image }] },
});

function buildAttestation(name: string, participant: string, key: typeof builder, digest: string) {
  const envelope = signStatement(
    provenanceStatement({
      image: 'registry.local/shop/app',
      digest,
      builderId: 'https://ci.entroos.local/pipelines/shop',
      buildType: 'https://ci.entroos.local/build/v1',
      externalParameters: { repository: 'shop', ref: 'refs/heads/main' },
    }),
    key.privateKey,
  );
  return {
    metadata: { name },
    spec: { participant, action: 'build', digest, image: 'registry.local/shop/app', envelope },
  };
}

beforeAll(async () => {
  server = await startServer();
  api = client(server.url, await login(server.url));
  await until(async () => (await api.get(`/apis/supplychain.entroos.io/v1`)).status === 200, 'the supply-chain API');
  expect((await api.post('/api/v1/namespaces', { metadata: { name: OPEN } })).status).toBe(201);
  const labels = { 'supplychain.entroos.io/enforce': 'true' };
  expect((await api.post('/api/v1/namespaces', { metadata: { name: SECURE, labels } })).status).toBe(201);
  for (const [name, roles, key] of [
    ['ci', ['builder'], builder],
    ['farmer', ['farm'], farmer],
  ] as const)
    expect(
      (await api.post(`${SC}/participants`, { metadata: { name }, spec: { roles, publicKey: key.publicKey } })).status,
    ).toBe(201);
  expect((await api.post(`${SC}/attestations`, buildAttestation('app-build-1', 'ci', builder, ATTESTED))).status).toBe(
    201,
  );
});

afterAll(async () => {
  await server?.stop();
});

describe('build attestation enforcement at pod admission', () => {
  it('admits any image in a namespace without the label', async () => {
    expect((await api.post(`/api/v1/namespaces/${OPEN}/pods`, pod('tagged', 'nginx:1.27'))).status).toBe(201);
    const res = await api.post(`/api/v1/namespaces/${OPEN}/pods`, pod('unattested', `shop/app@${UNATTESTED}`));
    expect(res.status).toBe(201);
  });

  it('refuses a tag without a digest in an enforcing namespace, saying it must be pinned', async () => {
    const res = await api.post(`/api/v1/namespaces/${SECURE}/pods`, pod('tagged', 'nginx:1.27'));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
    expect(res.body.message).toBe(
      `pods "tagged" is forbidden: image "nginx:1.27" of container "app" is not pinned by digest: namespace "secure" enforces build attestations (supplychain.entroos.io/enforce=true), so an image must be referenced as NAME@sha256:DIGEST, the digest a build attestation vouches for`,
    );
    expect((await api.get(`/api/v1/namespaces/${SECURE}/pods/tagged`)).status).toBe(404);
  });

  it('refuses a digest with no build attestation, naming the attestation it lacks', async () => {
    const res = await api.post(`/api/v1/namespaces/${SECURE}/pods`, pod('unattested', `shop/app@${UNATTESTED}`));
    expect(res.status).toBe(403);
    expect(res.body.message).toContain(
      `image "shop/app@${UNATTESTED}" of container "app" has no valid build attestation`,
    );
    expect(res.body.message).toContain(`with action "build" and digest ${UNATTESTED}`);
    expect(res.body.message).toContain('predicateType https://slsa.dev/provenance/v1');
    expect((await api.get(`/api/v1/namespaces/${SECURE}/pods/unattested`)).status).toBe(404);
  });

  it('admits a digest a builder attested, and refuses an update to an unattested image', async () => {
    const res = await api.post(
      `/api/v1/namespaces/${SECURE}/pods`,
      pod('attested', `registry.local/shop/app@${ATTESTED}`),
    );
    expect(res.status).toBe(201);
    // An init container is checked like any other.
    const init = {
      metadata: { name: 'with-init' },
      spec: {
        initContainers: [{ name: 'migrate', image: `shop/migrate@${UNATTESTED}` }],
        containers: [{ name: 'app', image: `registry.local/shop/app@${ATTESTED}` }],
      },
    };
    const refused = await api.post(`/api/v1/namespaces/${SECURE}/pods`, init);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('of container "migrate" has no valid build attestation');
    const stored = (await api.get(`/api/v1/namespaces/${SECURE}/pods/attested`)).body;
    stored.spec.containers[0].image = `shop/app@${UNATTESTED}`;
    const swap = await api.put(`/api/v1/namespaces/${SECURE}/pods/attested`, stored);
    expect(swap.status).toBe(403);
    expect(swap.body.message).toContain(
      `image "shop/app@${UNATTESTED}" of container "app" has no valid build attestation`,
    );
  });

  it('refuses a build attestation that is not by a builder, or whose subject is another digest', async () => {
    const byFarmer = await api.post(`${SC}/attestations`, buildAttestation('farm-build', 'farmer', farmer, UNATTESTED));
    expect(byFarmer.status).toBe(422);
    expect(byFarmer.body.message).toContain('participant "farmer" does not have the builder role');
    const other = buildAttestation('other-digest', 'ci', builder, ATTESTED);
    other.spec.digest = UNATTESTED;
    const mismatch = await api.post(`${SC}/attestations`, other);
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.message).toContain(`the statement's subject has no digest ${UNATTESTED}`);
    // Still nothing vouches for the digest.
    const res = await api.post(`/api/v1/namespaces/${SECURE}/pods`, pod('still-refused', `shop/app@${UNATTESTED}`));
    expect(res.status).toBe(403);
  });
});
