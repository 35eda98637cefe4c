'use client';

import { age } from '@/lib/apimachinery/printers.ts';
import { tickFor, useNow } from '@/lib/client/clock.ts';

/** A relative time (`45s`, `3m12s`, `2d`) kept current by the shared clock; the exact time on hover. */
export function Age({ since }: { since: string | number | undefined }) {
  const at = typeof since === 'number' ? since : since ? Date.parse(since) : NaN;
  const coarse = useNow(10_000);
  // Young ages change every second; older ones only every ten.
  const now = useNow(tickFor(Number.isNaN(at) ? Infinity : coarse - at));
  if (Number.isNaN(at) || !at) return <span className="muted">{'<unknown>'}</span>;
  const iso = new Date(at).toISOString();
  return (
    <time dateTime={iso} title={iso}>
      {age(iso, Math.max(now, coarse))}
    </time>
  );
}
