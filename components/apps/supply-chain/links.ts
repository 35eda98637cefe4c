const enc = encodeURIComponent;

/** The dashboard page of a batch. */
export const batchPage = (namespace: string, name: string) =>
  `/apps/supply-chain/batches/${enc(namespace)}/${enc(name)}`;

/** The public verification page of a batch (what its QR code holds; no login). */
export const verifyPage = (namespace: string, name: string) =>
  `/apps/supply-chain/verify/${enc(namespace)}/${enc(name)}`;

/** The public scanning page (camera or a photo of a batch's QR code; no login). */
export const SCAN_PAGE = '/apps/supply-chain/scan';

/** The public verdict of a batch as JSON (what the scanner asks after decoding a code). */
export const verdictUrl = (namespace: string, name: string) =>
  `/apps/supply-chain/verdicts/${enc(namespace)}/${enc(name)}`;
