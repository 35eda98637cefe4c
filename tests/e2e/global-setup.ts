import { startServer } from '../helpers/server.ts';
import { buildServerBundle } from '../helpers/server-bundle.ts';
import { login, userWithToken } from '../helpers/api.ts';

// One real server for the browser tests, with a viewer account to log in as.
export default async function globalSetup() {
  await buildServerBundle();
  const server = await startServer();
  const adminToken = await login(server.url);
  await userWithToken(server.url, adminToken, 'viewer1', 'viewer');
  process.env.E2E_BASE_URL = server.url;
  return async () => {
    await server.stop();
  };
}
