// Converts one file with the file conversion app and downloads the result with its verification bundle.
//   npm run build:packages
//   ENTROOS_URL=http://127.0.0.1:3000 ENTROOS_TOKEN=eos_… node examples/convert/convert-file.mjs photo.jpg webp [WIDTH]
// The upload is the tus protocol (any tus client works: tus-js-client, Uppy); the Conversion is a custom resource in
// convert.entroos.io/v1 created with @entroos/client; `npx entroos-verify photo.verify.json --file photo.webp`
// checks the result offline (docs/apps/convert.md).
import { openAsBlob } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Client } from '@entroos/client';

const [file, target, width] = process.argv.slice(2);
if (!target) {
  console.error('usage: convert-file.mjs FILE TARGET [WIDTH]');
  process.exit(2);
}
const server = process.env.ENTROOS_URL ?? 'http://127.0.0.1:3000';
const token = process.env.ENTROOS_TOKEN;
const auth = { Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0' };
const blob = await openAsBlob(file);
const name = basename(file);

// tus: create, then append 8 MiB at a time from where the server says it stands (so a retry resumes).
const created = await fetch(`${server}/apis/entroos.io/v1/files/uploads`, {
  method: 'POST',
  headers: {
    ...auth,
    'Upload-Length': String(blob.size),
    'Upload-Metadata': `filename ${Buffer.from(name).toString('base64')}`,
  },
});
if (created.status !== 201) throw new Error(`upload: ${created.status} ${await created.text()}`);
const location = new URL(created.headers.get('location'), server).toString();
let digest = created.headers.get('upload-digest');
for (let offset = 0; offset < blob.size;) {
  const res = await fetch(location, {
    method: 'PATCH',
    headers: { ...auth, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
    body: blob.slice(offset, offset + 8 * 2 ** 20),
  });
  if (res.status !== 204) throw new Error(`upload at ${offset}: ${res.status} ${await res.text()}`);
  offset = Number(res.headers.get('upload-offset'));
  digest = res.headers.get('upload-digest') ?? digest;
  process.stdout.write(`\ruploaded ${Math.round((offset / blob.size) * 100)} %`);
}
console.log(`\n${name}: ${digest}`);

const client = new Client({ server, token });
const conversions = client.resource('conversions.convert.entroos.io');
const created2 = await conversions.create(
  {
    metadata: { generateName: 'example-' },
    spec: { input: { digest, filename: name }, target, ...(width ? { options: { width: Number(width) } } : {}) },
  },
  { namespace: 'default' },
);
const conversionName = created2.metadata.name;
let conversion;
for (;;) {
  conversion = await conversions.get(conversionName, { namespace: 'default' });
  const { phase = 'Pending', progress = 0 } = conversion.status ?? {};
  process.stdout.write(`\r${conversionName}: ${phase} ${progress} %   `);
  if (phase === 'Succeeded' || phase === 'Failed') break;
  await new Promise((r) => setTimeout(r, 250));
}
console.log();
if (conversion.status.phase === 'Failed') {
  console.error(`${conversion.status.error.reason}: ${conversion.status.error.message}`);
  process.exit(1);
}
const { output } = conversion.status;
const data = await fetch(`${server}/apis/entroos.io/v1/files/${output.digest}`, { headers: auth });
await writeFile(output.filename, Buffer.from(await data.arrayBuffer()));
const verification = await fetch(
  `${server}/apis/entroos.io/v1/namespaces/default/conversions/${conversionName}/verify`,
  {
    headers: auth,
  },
);
const bundle = await verification.json();
const stem = output.filename.replace(/\.[^.]+$/, '');
await writeFile(`${stem}.verify.json`, JSON.stringify(bundle, null, 2));
console.log(
  `${output.filename} (${output.size} bytes) on ${conversion.status.node}: ${bundle.valid ? 'verified' : 'NOT verified'}; npx entroos-verify ${stem}.verify.json --file ${output.filename}`,
);
