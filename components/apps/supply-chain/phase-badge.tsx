import type { BatchPhase } from '@/lib/apps/supply-chain/types.ts';

const TONES: Record<BatchPhase | 'NotFound', { color: string; label: string }> = {
  Complete: { color: 'var(--ok)', label: 'Verified' },
  BrokenChain: { color: 'var(--danger)', label: 'Broken chain' },
  Tampered: { color: 'var(--danger)', label: 'Tampered' },
  Recalled: { color: 'var(--danger)', label: 'Recalled' },
  Pending: { color: 'var(--muted)', label: 'Pending' },
  NotFound: { color: 'var(--muted)', label: 'Unknown' },
};

/** A batch's phase in words (never only a colour). */
export function PhaseBadge({ phase }: { phase: BatchPhase | 'NotFound' | undefined }) {
  const tone = TONES[phase ?? 'Pending'];
  return (
    <span className="badge" style={{ color: tone.color, borderColor: tone.color }} data-phase={phase ?? 'Pending'}>
      {tone.label}
    </span>
  );
}
