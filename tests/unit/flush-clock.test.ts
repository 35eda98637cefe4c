import { describe, expect, it } from 'vitest';
import { FlushClock } from '@/lib/router/flush-clock.ts';

// A session whose flush takes `costMs` of the fake clock and reports whether its client kept up.
function setup(maxMs: number) {
  let now = 0;
  const clock = new FlushClock(maxMs, () => now);
  const session = (costMs: number, keepsUp = true) => ({
    flushed: 0,
    flush() {
      this.flushed++;
      now += costMs;
      return keepsUp;
    },
  });
  const tickWith = (...sessions: { flush(): boolean }[]) => {
    for (const s of sessions) clock.mark(s);
    clock.tick();
    return clock.windowMs;
  };
  return { clock, session, tickWith };
}

describe('the socket flush clock', () => {
  it('starts short and stays short while clients keep up and ticks are cheap', () => {
    const { clock, session, tickWith } = setup(100);
    expect(clock.windowMs).toBe(2);
    const cheap = session(0.2);
    for (let i = 0; i < 5; i++) expect(tickWith(cheap)).toBe(2);
    expect(cheap.flushed).toBe(5);
  });

  it('widens up to the configured window while a client lags, and narrows again once it keeps up', () => {
    const { session, tickWith } = setup(100);
    const lagging = session(0, false);
    const widths = Array.from({ length: 8 }, () => tickWith(lagging));
    expect(widths).toEqual([4, 8, 16, 32, 64, 100, 100, 100]);
    const fine = session(0);
    const narrowing = Array.from({ length: 7 }, () => tickWith(fine));
    expect(narrowing).toEqual([50, 25, 12.5, 6.25, 3.125, 2, 2]);
  });

  it('widens when flushing costs more than half the window (bigger batches, less work per change)', () => {
    const { session, tickWith } = setup(100);
    expect(tickWith(session(1.5))).toBe(4);
    expect(tickWith(session(3))).toBe(8);
    expect(tickWith(session(1))).toBe(4);
  });

  it('flushes every marked session once per tick, and nothing twice', () => {
    const { clock, session } = setup(100);
    const a = session(0);
    const b = session(0);
    clock.mark(a);
    clock.mark(a);
    clock.mark(b);
    clock.tick();
    clock.tick();
    expect([a.flushed, b.flushed]).toEqual([1, 1]);
  });

  it('never waits with a window of 0 (coalescing off)', () => {
    const { clock, session, tickWith } = setup(0);
    expect(clock.windowMs).toBe(0);
    expect(tickWith(session(5, false))).toBe(0);
  });
});
