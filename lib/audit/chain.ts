import { createHash } from 'node:crypto';

// The hash chain and its verification, shared by the database check, the API, the script and the offline check
// of exported JSON-lines files.
//
//   hash(n) = sha256( hash(n-1) + "\n" + event(n) )       hash(0) = 64 zeros
//
// where event(n) is the record's event as JSON text, stored exactly as hashed (verification hashes the stored
// text and never re-serialises it, so no canonical form is needed; canonicalJson is there for callers that
// rebuild an event from parsed JSON).
// A signed head (rewritten by every append) and periodic signed checkpoints pin the chain's length and content.

export const GENESIS = '0'.repeat(64);

export const linkHash = (prevHash: string, event: string) =>
  createHash('sha256').update(prevHash).update('\n').update(event).digest('hex');

/** JSON with object keys sorted at every level and undefined members dropped: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** What a checkpoint's signature covers. */
export const checkpointMessage = (seq: number, hash: string, time: Date | string) =>
  `entroos.io audit checkpoint v1\nseq ${seq}\nhash ${hash}\ntime ${typeof time === 'string' ? time : time.toISOString()}`;

export interface ChainRecord {
  seq: number;
  prevHash: string;
  hash: string;
  /** The event as stored: the JSON text that was hashed. */
  event: string;
}

export interface SignedPoint {
  seq: number;
  hash: string;
  time: Date | string;
  keyId: string;
  signature: string;
}

export type Problem = 'changed' | 'missing' | 'out of order';

export type VerifyResult =
  | { ok: true; records: number; checkpoints: number; head: number }
  | {
      ok: false;
      records: number;
      checkpoints: number;
      seq: number;
      problem: Problem | 'bad signature';
      message: string;
    };

export interface VerifyInput {
  records: AsyncIterable<ChainRecord> | Iterable<ChainRecord>;
  /** The signed head (the newest record when it was last appended to); absent for a file, which has none. */
  head?: SignedPoint | null;
  checkpoints: SignedPoint[];
  verifySignature(point: SignedPoint): boolean;
  /**
   * Whether the first record must be #1 with the genesis hash before it (the database); a rotated file starts
   * where it starts, and its first record's link is taken as given.
   */
  fromGenesis: boolean;
}

// How far a record may have moved and still be named "out of order" rather than "changed".
const REORDER_WINDOW = 4096;

/**
 * Walks the chain in seq order and names the first bad record: changed (its hash does not match its content, or a
 * signed checkpoint), missing (a gap in seq, or fewer records than the signed head), or out of order (it links to
 * a record other than its predecessor).
 */
export async function verifyChain(input: VerifyInput): Promise<VerifyResult> {
  let records = 0;
  const fail = (seq: number, problem: Problem | 'bad signature', detail: string): VerifyResult => ({
    ok: false,
    records,
    checkpoints: input.checkpoints.length,
    seq,
    problem,
    message:
      problem === 'bad signature'
        ? `audit verify: checkpoint #${seq} has a bad signature (${detail})`
        : `audit verify: record #${seq} is ${problem} (${detail})`,
  });

  const points = [...input.checkpoints, ...(input.head ? [input.head] : [])];
  for (const point of points)
    if (!input.verifySignature(point))
      return fail(point.seq, 'bad signature', `key ${point.keyId}: not signed by the cluster key, or altered`);
  const pinned = new Map<number, SignedPoint>();
  for (const point of points) pinned.set(point.seq, point);

  let previous: ChainRecord | undefined;
  const recent = new Map<string, number>(); // hash → seq, the last REORDER_WINDOW records
  // A record whose link is broken although its own hash holds: is the record it links to further on (moved)?
  let suspect: { seq: number; prevHash: string; before: number; scanned: number } | undefined;

  for await (const record of input.records) {
    if (suspect) {
      if (record.hash === suspect.prevHash)
        return fail(suspect.seq, 'out of order', `it follows record #${record.seq}, which comes after it`);
      if (++suspect.scanned >= REORDER_WINDOW) break;
      continue;
    }
    records++;
    const expected = previous ? previous.seq + 1 : input.fromGenesis ? 1 : record.seq;
    if (record.seq > expected)
      return fail(expected, 'missing', `the records jump from #${expected - 1} to #${record.seq}`);
    if (record.seq < expected) return fail(record.seq, 'out of order', `it comes after record #${expected - 1}`);
    if (linkHash(record.prevHash, record.event) !== record.hash)
      return fail(record.seq, 'changed', 'its content does not match its hash');
    const expectedLink = previous ? previous.hash : input.fromGenesis ? GENESIS : record.prevHash;
    if (record.prevHash !== expectedLink) {
      const earlier = recent.get(record.prevHash);
      if (earlier !== undefined)
        return fail(record.seq, 'out of order', `it follows record #${earlier}, not #${record.seq - 1}`);
      if (!previous) return fail(record.seq, 'changed', 'the first record does not start from the genesis hash');
      suspect = { seq: record.seq, prevHash: record.prevHash, before: previous.seq, scanned: 0 };
      continue;
    }
    const point = pinned.get(record.seq);
    if (point && point.hash !== record.hash)
      return fail(record.seq, 'changed', `it does not match the checkpoint signed at ${String(point.time)}`);
    recent.set(record.hash, record.seq);
    if (recent.size > REORDER_WINDOW) recent.delete(recent.keys().next().value as string);
    previous = record;
  }
  if (suspect)
    // Nothing later is the record it links to: its predecessor was rewritten (and rehashed) after it was chained.
    return fail(suspect.before, 'changed', `record #${suspect.seq} no longer links to it`);

  const last = previous?.seq ?? 0;
  const first = input.fromGenesis ? 1 : 0;
  for (const point of [...points].sort((a, b) => a.seq - b.seq)) {
    if (point.seq > last && (input.fromGenesis || point.seq >= first))
      return fail(
        last + 1,
        'missing',
        `the log ends at #${last} but a ${point === input.head ? 'signed head' : 'signed checkpoint'} vouches for #${point.seq}`,
      );
  }
  return { ok: true, records, checkpoints: input.checkpoints.length, head: last };
}

export function describeResult(result: VerifyResult): string {
  return result.ok ? `ok: ${result.records} records, ${result.checkpoints} checkpoints` : result.message;
}
