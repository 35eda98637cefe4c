import type { KubeObject } from '@entroos/client';
import { statusOf, type Tone } from '../status.ts';

export interface StatusBadgeProps {
  /** The object whose state to show (kubectl's wording: Running, CrashLoopBackOff, Ready…). */
  object?: KubeObject;
  /** Or the text to show, with its tone. */
  status?: string;
  tone?: Tone;
  title?: string;
}

/** A pill with an object's state; the tone is carried by a symbol as well as a colour. */
export function StatusBadge({ object, status, tone, title }: StatusBadgeProps) {
  const derived = object ? statusOf(object) : { text: status ?? '—', tone: tone ?? 'neutral' };
  const finalTone = tone ?? derived.tone;
  const text = status ?? derived.text;
  return (
    <span className={`eos-badge eos-badge--${finalTone}`} title={title} data-tone={finalTone}>
      <span className="eos-badge__dot" aria-hidden="true" />
      {text}
    </span>
  );
}
