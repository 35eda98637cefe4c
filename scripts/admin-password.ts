// `npm run admin:password`: sets a new password for the `admin` user (from
// ENTROOS_ADMIN_PASSWORD, or a generated one printed here), re-enables it
// with the admin role, and creates it if it does not exist.
import { loadConfig, ConfigError } from '../lib/config.ts';
import { openStore } from '../lib/store/index.ts';
import { generatePassword, hashPassword } from '../lib/auth/password.ts';

async function main() {
  const config = loadConfig();
  // The store decrypts the Secrets as it loads: it needs the same key as the server.
  const store = await openStore(config.databaseUrl, {
    secretKey: config.secretKey ? Buffer.from(config.secretKey, 'base64') : undefined,
  });
  try {
    const password = config.adminPassword ?? generatePassword();
    const passwordHash = await hashPassword(password);
    const admin = await store.users.getByUsername('admin');
    if (admin) await store.users.update(admin.id, { passwordHash, role: 'admin', disabled: false, endSessions: true });
    else await store.users.create({ username: 'admin', passwordHash, role: 'admin' });
    console.log(
      config.adminPassword
        ? 'The admin password is now the one in ENTROOS_ADMIN_PASSWORD.'
        : `New password for "admin": ${password}`,
    );
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  console.error(`EntroOS: ${err instanceof ConfigError ? err.message : (err as Error).message}`);
  process.exit(1);
});
