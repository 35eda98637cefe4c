'use client';

import { useSyncExternalStore } from 'react';

// One clock per interval for the whole tab: every age on a page reads the same tick (a table of ages costs one
// timer, not one per row), and the timer stops when nothing reads it.

interface Ticker {
  now: number;
  listeners: Set<() => void>;
  timer?: ReturnType<typeof setInterval>;
}

const tickers = new Map<number, Ticker>();

function tickerOf(intervalMs: number): Ticker {
  let ticker = tickers.get(intervalMs);
  if (!ticker) tickers.set(intervalMs, (ticker = { now: Date.now(), listeners: new Set() }));
  return ticker;
}

function subscribe(intervalMs: number, listener: () => void): () => void {
  const ticker = tickerOf(intervalMs);
  ticker.listeners.add(listener);
  if (!ticker.timer) {
    ticker.now = Date.now();
    ticker.timer = setInterval(() => {
      ticker.now = Date.now();
      for (const l of ticker.listeners) l();
    }, intervalMs);
  }
  return () => {
    ticker.listeners.delete(listener);
    if (!ticker.listeners.size) {
      clearInterval(ticker.timer);
      ticker.timer = undefined;
    }
  };
}

const subscribers = new Map<number, (listener: () => void) => () => void>();
const snapshots = new Map<number, () => number>();

/** The time, as of the shared clock's last tick (every `intervalMs`): re-renders the caller on each tick. */
export function useNow(intervalMs = 10_000): number {
  let sub = subscribers.get(intervalMs);
  if (!sub) subscribers.set(intervalMs, (sub = (l) => subscribe(intervalMs, l)));
  let snap = snapshots.get(intervalMs);
  if (!snap) snapshots.set(intervalMs, (snap = () => tickerOf(intervalMs).now));
  return useSyncExternalStore(sub, snap, snap);
}

/** How often an age of `elapsedMs` changes its text: every second under two minutes (45s), else every 10 s. */
export const tickFor = (elapsedMs: number) => (elapsedMs < 120_000 ? 1_000 : 10_000);
