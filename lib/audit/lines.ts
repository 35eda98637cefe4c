import type { AuditCheckpointRow, AuditRow } from '../store/index.ts';

// The JSON-lines format of the file sink and the export (lib/audit/verify-files.ts reads it back).

/** One record as a line: the event is embedded exactly as hashed, so the line verifies with the public key alone. */
export const recordLine = (row: AuditRow) =>
  `{"seq":${row.seq},"prevHash":"${row.prevHash}","hash":"${row.hash}","event":${row.event}}\n`;

export const checkpointLine = (c: AuditCheckpointRow) =>
  `${JSON.stringify({ checkpoint: { seq: c.seq, hash: c.hash, time: c.time.toISOString(), keyId: c.keyId, signature: c.signature } })}\n`;
