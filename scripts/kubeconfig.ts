// `npm run -s kubeconfig -- --server URL --user NAME --password PASS`
// Logs in, creates a fresh API token, and prints a complete kubeconfig.
import { parseArgs } from 'node:util';
import { renderKubeconfig } from '../lib/auth/kubeconfig.ts';

function fail(message: string): never {
  console.error(`kubeconfig: ${message}`);
  process.exit(1);
}

const DEFAULT_USER = 'admin';
const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'http://localhost:3000' },
    user: { type: 'string', default: DEFAULT_USER },
    password: { type: 'string' },
    name: { type: 'string' },
    namespace: { type: 'string', default: 'default' },
  },
  strict: true,
});
const password = values.password ?? process.env.ENTROOS_PASSWORD;
if (!password) fail('pass --password PASS (or set ENTROOS_PASSWORD)');

let response: Response;
try {
  response = await fetch(new URL('/api/login', values.server), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      username: values.user,
      password,
      tokenName: values.name ?? `kubeconfig ${new Date().toISOString().slice(0, 19)}`,
    }),
  });
} catch (err) {
  fail(`cannot reach ${values.server}: ${(err as Error).message}`);
}
const body = (await response.json().catch(() => ({}))) as {
  message?: string;
  token?: string;
  kubernetes?: { server: string; certificateAuthorityData: string };
};
if (!response.ok || !body.token) fail(`login failed (${response.status}): ${body.message ?? response.statusText}`);
if (!body.kubernetes) fail('the server did not return its Kubernetes endpoint; upgrade the server');
process.stdout.write(
  renderKubeconfig({
    server: body.kubernetes.server,
    caPem: Buffer.from(body.kubernetes.certificateAuthorityData, 'base64').toString('utf8'),
    token: body.token,
    username: values.user ?? DEFAULT_USER, // (parseArgs fills in the default; its types do not say so)
    namespace: values.namespace,
  }),
);
