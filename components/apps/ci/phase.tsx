import type { DagTone } from '@/components/dag-graph';
import type { RunPhase, StepPhase } from '@/lib/apps/ci/types.ts';

// A run's or a step's phase in words and a tone (never only a colour).

export const PHASE_TONE: Record<RunPhase | StepPhase, DagTone> = {
  Pending: 'muted',
  Running: 'active',
  Succeeded: 'ok',
  Failed: 'danger',
  Skipped: 'muted',
  Cancelled: 'muted',
};

const COLOUR: Record<DagTone, string> = {
  ok: 'var(--ok)',
  danger: 'var(--danger)',
  muted: 'var(--muted)',
  active: 'var(--accent)',
};

export function PhaseBadge({ phase }: { phase: RunPhase | StepPhase | undefined }) {
  const p = phase ?? 'Pending';
  const colour = COLOUR[PHASE_TONE[p]];
  return (
    <span className="badge" style={{ color: colour, borderColor: colour }} data-phase={p}>
      {p}
    </span>
  );
}
