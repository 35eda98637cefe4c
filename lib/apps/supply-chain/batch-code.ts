// What a scanned QR code means to the scanner. A batch's code holds the absolute address of its public verification
// page on the cluster that printed it (lib/apps/supply-chain/qr.ts via the batch page). Runs in the browser too: no
// imports.

export type BatchCode =
  | { kind: 'batch'; namespace: string; name: string }
  /** A batch code of another server: this one cannot vouch for it. */
  | { kind: 'foreign'; host: string }
  | { kind: 'invalid' };

const VERIFY_PATH = /^\/apps\/supply-chain\/verify\/([^/]+)\/([^/]+)\/?$/;

/** Reads a decoded QR text against the origin of the page that scanned it. */
export function parseBatchCode(text: string, origin: string): BatchCode {
  let url: URL;
  try {
    url = new URL(text.trim(), origin);
  } catch {
    return { kind: 'invalid' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'invalid' };
  const match = VERIFY_PATH.exec(url.pathname);
  if (!match) return { kind: 'invalid' };
  if (url.origin !== new URL(origin).origin) return { kind: 'foreign', host: url.host };
  try {
    return { kind: 'batch', namespace: decodeURIComponent(match[1]), name: decodeURIComponent(match[2]) };
  } catch {
    return { kind: 'invalid' };
  }
}
