import { verifyWithPublicKey } from '../auth/cluster-key.ts';
import type { Store } from '../store/index.ts';
import { checkpointMessage, verifyChain, type ChainRecord, type SignedPoint, type VerifyResult } from './chain.ts';

// `audit verify` of the database's chain: the API, the script and later the entroos CLI call verifyStoredTrail
// (verify-files.ts checks exported JSON-lines files with nothing but the public key).

const PAGE = 5_000;

export const signatureChecker = (publicKeyPem: string) => (p: SignedPoint) =>
  verifyWithPublicKey(publicKeyPem, checkpointMessage(p.seq, p.hash, p.time), p.signature);

export async function verifyStoredTrail(store: Pick<Store, 'audit'>, publicKeyPem: string): Promise<VerifyResult> {
  const repo = store.audit;
  // The head first: records appended while this runs lie beyond it and are checked the next time.
  const head = await repo.head();
  const checkpoints = await repo.checkpoints();
  async function* records(): AsyncGenerator<ChainRecord> {
    for (let after = 0; ;) {
      const page = await repo.scan(after, PAGE);
      for (const row of page) {
        if (head && row.seq > head.seq) return;
        yield row;
      }
      if (page.length < PAGE) return;
      after = page[page.length - 1].seq;
    }
  }
  return verifyChain({
    records: records(),
    head,
    checkpoints: head ? checkpoints.filter((c) => c.seq <= head.seq) : checkpoints,
    verifySignature: signatureChecker(publicKeyPem),
    fromGenesis: true,
  });
}
