'use client';

import { useEffect } from 'react';

const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Keeps the session alive while the user is active (re-issuing the session
 * cookie at most every minute, or every third of the idle time if shorter),
 * and once they have been idle for `idleMinutes` sends them to the login
 * page with a message saying why.
 */
export function SessionKeeper({ idleMinutes }: { idleMinutes: number }) {
  useEffect(() => {
    const idleMs = idleMinutes * 60_000;
    const refreshEvery = Math.min(60_000, idleMs / 3);
    // The server's cookie lives idleMs from its last re-issue, so that (not
    // the last keypress) is when the session really ends.
    let lastRefresh = 0;
    const refresh = () => {
      lastRefresh = Date.now();
      void fetch('/api/auth/session', { credentials: 'same-origin', cache: 'no-store' }).catch(() => {});
    };
    const onActivity = () => {
      if (Date.now() - lastRefresh >= refreshEvery) refresh();
    };
    refresh(); // loading a page is activity too
    for (const e of ACTIVITY) window.addEventListener(e, onActivity, { passive: true });
    const timer = setInterval(
      () => {
        // A little early, so no request meets the expired cookie first.
        if (Date.now() - lastRefresh < idleMs - Math.min(2_000, idleMs / 8)) return;
        const query = new URLSearchParams({
          reason: 'idle',
          minutes: String(idleMinutes),
          callbackUrl: window.location.pathname + window.location.search,
        });
        // A full page load on purpose: leaving the session drops every cached query and the socket.
        // eslint-disable-next-line @next/next/no-location-assign-relative-destination
        window.location.assign(`/login?${query}`);
      },
      Math.min(5_000, idleMs / 8),
    );
    return () => {
      clearInterval(timer);
      for (const e of ACTIVITY) window.removeEventListener(e, onActivity);
    };
  }, [idleMinutes]);
  return null;
}
