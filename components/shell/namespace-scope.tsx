'use client';

import { useMemo } from 'react';
import { useList } from '@entroos/react';
import { useScopeNamespace } from '@/lib/client/namespace-scope.ts';

/** The top bar's namespace: every list follows it (and sets it), as kubectl's context namespace does. */
export function NamespaceScope() {
  const [namespace, setNamespace] = useScopeNamespace();
  const namespaces = useList('namespaces');
  const names = useMemo(() => {
    const all = new Set((namespaces.data ?? []).map((n) => n.metadata?.name ?? ''));
    if (namespace) all.add(namespace);
    all.delete('');
    return [...all].sort();
  }, [namespaces.data, namespace]);
  return (
    <label className="namespace-scope">
      <span className="muted">Namespace</span>{' '}
      <select
        value={namespace}
        onChange={(e) => setNamespace(e.target.value)}
        data-testid="namespace-scope"
        aria-label="Current namespace"
      >
        <option value="">All namespaces</option>
        {names.map((n) => (
          <option key={n}>{n}</option>
        ))}
      </select>
    </label>
  );
}

/** On a list that follows the current namespace: which one, and a way back to all of them. */
export function ScopeHint({ what }: { what: string }) {
  const [namespace, setNamespace] = useScopeNamespace();
  if (!namespace) return null;
  return (
    <p className="muted" data-testid="scope-hint">
      {what} in namespace <strong>{namespace}</strong> (the current namespace, chosen in the top bar).{' '}
      <button type="button" className="btn" onClick={() => setNamespace('')}>
        Show all namespaces
      </button>
    </p>
  );
}
