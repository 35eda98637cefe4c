import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { generate } from 'selfsigned';
import type { Config } from '../config.ts';
import type { Store } from '../store/index.ts';

// The server speaks HTTP and HTTPS on one port. kubectl only sends bearer
// tokens over TLS, so HTTPS is always on: with TLS_CERT/TLS_KEY when given,
// otherwise with a CA and server certificate generated on first start and
// kept in the database (shared by every instance). Kubeconfigs carry the CA.

export interface TlsMaterial {
  key: string;
  cert: string;
  /** The CA that signed `cert`, for kubeconfig certificate-authority-data. */
  ca: string;
  generated: boolean;
}

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

async function generateMaterial(): Promise<{ key: string; cert: string; ca: string }> {
  const notAfterDate = new Date(Date.now() + TEN_YEARS_MS);
  const ca = await generate([{ name: 'commonName', value: 'EntroOS development CA' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: 'entroos' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 2, value: hostname() },
          { type: 2, value: 'entroos' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: leaf.private, cert: leaf.cert, ca: ca.cert };
}

/** A start-up failure whose message is already the one line the operator needs. */
export class TlsFileError extends Error {
  override name = 'TlsFileError';
}

function readPem(setting: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new TlsFileError(
      `${setting}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

export async function loadTls(
  config: Pick<Config, 'tlsCert' | 'tlsKey' | 'tlsCa'>,
  store: Store,
): Promise<TlsMaterial> {
  if (config.tlsCert && config.tlsKey) {
    const cert = readPem('TLS_CERT', config.tlsCert);
    return {
      key: readPem('TLS_KEY', config.tlsKey),
      cert,
      ca: config.tlsCa ? readPem('TLS_CA', config.tlsCa) : cert,
      generated: false,
    };
  }
  const stored = await store.settings.get('tls.generated');
  if (stored) return { ...JSON.parse(stored), generated: true };
  const fresh = JSON.stringify(await generateMaterial());
  // Instances starting together may both generate; the first one stored wins.
  return { ...JSON.parse(await store.settings.getOrCreate('tls.generated', () => fresh)), generated: true };
}
