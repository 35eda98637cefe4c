import { locateField, type FieldLocation } from '@/lib/client/field-location.ts';
import type { ClientStatus } from '@/lib/client/api.ts';

// A refused write's Status, pointed back at the text: each cause's field (and each `unknown field "…"` of a
// strict decoding error, which kube-apiserver reports in the message only) with the line it is on.

export interface PlacedCause {
  field?: string;
  message: string;
  at?: FieldLocation;
}

const UNKNOWN = /unknown field "([^"]+)"/g;

export function placeCauses(text: string, message: string, status: ClientStatus | undefined): PlacedCause[] {
  const out: PlacedCause[] = [];
  const seen = new Set<string>();
  for (const c of status?.details?.causes ?? []) {
    const field = c.field?.replace(/^\./, '');
    if (field) seen.add(field);
    out.push({ field, message: c.message, at: field ? locateField(text, field) : undefined });
  }
  for (const m of message.matchAll(UNKNOWN)) {
    const field = m[1].replace(/^\./, '');
    if (seen.has(field)) continue;
    seen.add(field);
    out.push({ field, message: 'unknown field (not in the schema of this kind)', at: locateField(text, field) });
  }
  return out;
}
