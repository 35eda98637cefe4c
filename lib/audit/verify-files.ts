import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { verifyChain, type ChainRecord, type SignedPoint, type VerifyResult } from './chain.ts';
import { signatureChecker } from './verify.ts';

// `audit verify --file`: exported or sink-written JSON-lines files, checked with nothing but the cluster's public key.

interface FileRecord extends ChainRecord {
  file: string;
  line: number;
}

/**
 * Checks exported or sink-written JSON-lines files (several: rotated files, or each instance's file, merged by
 * seq). A file that does not start at record #1 is checked from its first record on; with no head, records
 * cut off its end cannot be told from records not yet written — compare with `GET …/audit/verify`'s head.
 */
export async function verifyAuditFiles(paths: string[], publicKeyPem: string): Promise<VerifyResult> {
  const records: FileRecord[] = [];
  const checkpoints = new Map<number, SignedPoint>();
  for (const file of paths) {
    let line = 0;
    for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      line++;
      if (!text.trim()) continue;
      let parsed: { seq?: unknown; prevHash?: unknown; hash?: unknown; event?: unknown; checkpoint?: SignedPoint };
      try {
        parsed = JSON.parse(text) as typeof parsed;
      } catch {
        throw new Error(`${file}:${line}: not a JSON line`);
      }
      if (parsed.checkpoint) {
        checkpoints.set(parsed.checkpoint.seq, parsed.checkpoint);
        continue;
      }
      if (typeof parsed.seq !== 'number' || typeof parsed.prevHash !== 'string' || typeof parsed.hash !== 'string')
        throw new Error(`${file}:${line}: not an audit record (seq, prevHash, hash and event are required)`);
      records.push({
        seq: parsed.seq,
        prevHash: parsed.prevHash,
        hash: parsed.hash,
        event: eventText(text),
        file,
        line,
      });
    }
  }
  records.sort((a, b) => a.seq - b.seq);
  const first = records[0]?.seq ?? 1;
  return verifyChain({
    records,
    checkpoints: [...checkpoints.values()].filter((c) => c.seq >= first).sort((a, b) => a.seq - b.seq),
    verifySignature: signatureChecker(publicKeyPem),
    fromGenesis: first === 1,
  });
}

// The event's text exactly as it stands in the line (the line is `{"seq":…,"prevHash":…,"hash":…,"event":EVENT}`),
// so an edit that JSON parsing would smooth over (spacing, key order, escapes) still changes the hash.
function eventText(line: string): string {
  const at = line.indexOf('"event":');
  const end = line.lastIndexOf('}');
  return at < 0 || end < 0 ? '' : line.slice(at + '"event":'.length, end).trim();
}
