'use client';

import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';

// The dashboard's current namespace (kubectl's context namespace, k9s's `:ns`): chosen in the top bar or in any
// list's namespace filter, remembered across pages and reloads in this browser, '' for all namespaces. A page
// opened with `?namespace=` in its address takes that one (a shared link wins over what this browser remembers).

const KEY = 'entroos.namespace';
const listeners = new Set<() => void>();
let current: string | undefined;

function read(): string {
  if (current === undefined) {
    try {
      current = window.localStorage.getItem(KEY) ?? '';
    } catch {
      current = '';
    }
  }
  return current;
}

/** Sets the current namespace ('' for all) for every page of this tab, and remembers it. */
export function setScopeNamespace(namespace: string): void {
  if (namespace === read()) return;
  current = namespace;
  try {
    if (namespace) window.localStorage.setItem(KEY, namespace);
    else window.localStorage.removeItem(KEY);
  } catch {
    // Storage may be unavailable (private mode): the choice still holds for this tab.
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (e: StorageEvent) => {
    if (e.key !== KEY) return;
    current = e.newValue ?? '';
    listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** The current namespace and its setter; on the server (and the first render) ''. */
export function useScopeNamespace(): [string, (namespace: string) => void] {
  const value = useSyncExternalStore(subscribe, read, () => '');
  return [value, useCallback((ns: string) => setScopeNamespace(ns), [])];
}

/**
 * A list page's namespace filter, which is the dashboard's current namespace: `fromUrl` (the page's `?namespace=`
 * when it was opened) is shown first and becomes the current namespace; choosing another here or in the top bar
 * changes both.
 */
export function useNamespaceFilter(fromUrl: string | undefined): [string, (namespace: string) => void] {
  const [scope, setScope] = useScopeNamespace();
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    // Only the address the page was opened with counts; later changes come from the filter or the top bar.
    if (fromUrl !== undefined) setScopeNamespace(fromUrl);
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setMounted(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return [mounted ? scope : (fromUrl ?? scope), setScope];
}
