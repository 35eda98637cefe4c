// Records one custody step of a supply-chain batch and prints the batch's verdict.
//   npm run build:packages
//   KUBECONFIG=~/.kube/entroos node examples/supply-chain/record-attestation.mjs NAMESPACE BATCH PARTICIPANT ACTION KEY.pem [TO]
// KEY.pem is the participant's ed25519 private key (PKCS#8). To make one and register its participant:
//   openssl genpkey -algorithm ed25519 -out farm.pem
//   node examples/supply-chain/record-attestation.mjs coffee - farm register farm.pem
// The signature is DSSE over an in-toto Statement v1, exactly what docs/apps/supply-chain.md describes; nothing here
// is EntroOS-specific but the predicate.
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { clientFromKubeconfig } from '@entroos/client/node';

const [namespace, batchName, participant, action, keyFile, to] = process.argv.slice(2);
if (!keyFile) {
  console.error('usage: record-attestation.mjs NAMESPACE BATCH PARTICIPANT ACTION KEY.pem [TO]');
  process.exit(2);
}
const privateKey = createPrivateKey(readFileSync(keyFile));
const raw = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x, 'base64url');
const keyid = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
const client = clientFromKubeconfig();

if (action === 'register') {
  await client
    .resource('participants.supplychain.entroos.io')
    .create(
      { metadata: { name: participant }, spec: { roles: ['farm'], publicKey: raw.toString('base64') } },
      { namespace },
    );
  console.log(`registered ${participant} with key ${keyid}`);
  process.exit(0);
}

const batches = client.resource('batches.supplychain.entroos.io');
const batch = await batches.get(batchName, { namespace });
const { product, producer, quantity, unit, inputs = [] } = batch.spec;
const digest = createHash('sha256')
  .update(JSON.stringify([namespace, batchName, product, producer, quantity, unit, [...inputs].sort()]))
  .digest('hex');
const statement = {
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: `${namespace}/${batchName}`, digest: { sha256: digest } }],
  predicateType: 'https://supplychain.entroos.io/custody/v1',
  predicate: {
    batch: batchName,
    participant,
    action,
    time: new Date().toISOString(),
    ...(to ? { to } : {}),
    // A processing step names what it consumed: exactly the batch's declared inputs.
    ...(action === 'process' ? { inputs: inputs.map((name) => ({ name, digest: { sha256: '' } })) } : {}),
  },
};
const payloadType = 'application/vnd.in-toto+json';
const payload = Buffer.from(JSON.stringify(statement));
const pae = Buffer.concat([Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${payload.length} `), payload]);
const envelope = {
  payloadType,
  payload: payload.toString('base64'),
  signatures: [{ keyid, sig: sign(null, pae, privateKey).toString('base64') }],
};

// A forged or mis-signed envelope is refused here with a 422 naming the problem.
await client.resource('attestations.supplychain.entroos.io').create(
  {
    metadata: { generateName: `${batchName}-${action}-` },
    spec: { batch: batchName, participant, action, envelope },
  },
  { namespace },
);

// The controller re-evaluates the batch; wait for a status newer than the one we read.
for (let i = 0; i < 50; i++) {
  const now = await batches.get(batchName, { namespace });
  if ((now.status?.custody?.length ?? 0) > (batch.status?.custody?.length ?? 0)) {
    console.log(`${batchName}: ${now.status.phase} — ${now.status.reason}`);
    process.exit(now.status.phase === 'Complete' ? 0 : 1);
  }
  await new Promise((r) => setTimeout(r, 100));
}
console.error('the batch was not re-evaluated in 5 s');
process.exit(1);
