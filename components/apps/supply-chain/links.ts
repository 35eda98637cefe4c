const enc = encodeURIComponent;

/** The dashboard page of a batch. */
export const batchPage = (namespace: string, name: string) =>
  `/apps/supply-chain/batches/${enc(namespace)}/${enc(name)}`;

/** The public verification page of a batch (what its QR code holds; no login). */
export const verifyPage = (namespace: string, name: string) =>
  `/apps/supply-chain/verify/${enc(namespace)}/${enc(name)}`;
