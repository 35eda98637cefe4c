'use client';

import { useEffect } from 'react';

// Filters kept in the address bar: a reload or a shared link shows the same list. The URL is replaced (not pushed:
// typing a filter is not a step Back should undo), a moment after the last change, and only the given parameters
// change; empty values are dropped.

export function useUrlParams(values: Record<string, string | undefined>, delayMs = 300): void {
  const key = JSON.stringify(values);
  useEffect(() => {
    const t = setTimeout(() => {
      const url = new URL(window.location.href);
      for (const [name, value] of Object.entries(JSON.parse(key) as Record<string, string | undefined>)) {
        if (value) url.searchParams.set(name, value);
        else url.searchParams.delete(name);
      }
      if (url.href !== window.location.href) window.history.replaceState(window.history.state, '', url.href);
    }, delayMs);
    return () => clearTimeout(t);
  }, [key, delayMs]);
}
