'use client';

import { useState, useSyncExternalStore } from 'react';

/** Issues a fresh token and downloads a kubeconfig for kubectl. */
export function KubeconfigDownload({ username }: { username: string }) {
  // The address this dashboard is reached at (known once in the browser): what kubectl should talk to as well.
  const origin = useSyncExternalStore(
    () => () => {},
    () => window.location.origin,
    () => '',
  );
  const [state, setState] = useState<{ pending: boolean; error?: string; done?: boolean }>({ pending: false });
  async function download() {
    setState({ pending: true });
    try {
      const res = await fetch('/apis/entroos.io/v1/kubeconfig', { method: 'POST' });
      if (!res.ok) {
        const status = await res.json().catch(() => ({}));
        throw new Error(status.message ?? `${res.status} ${res.statusText}`);
      }
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = 'entroos-kubeconfig.yaml';
      a.click();
      URL.revokeObjectURL(url);
      setState({ pending: false, done: true });
    } catch (err) {
      setState({ pending: false, error: (err as Error).message });
    }
  }
  return (
    <section className="panel">
      <h2>kubectl</h2>
      <p className="muted">
        Download a kubeconfig with a new token, then run{' '}
        <code>KUBECONFIG=entroos-kubeconfig.yaml kubectl get nodes</code>. From a terminal:{' '}
        <code data-testid="kubeconfig-hint">
          npm run -s kubeconfig -- --server {origin || 'https://…'} --user {username} --password …
        </code>
      </p>
      <button
        className="btn"
        type="button"
        onClick={download}
        disabled={state.pending}
        data-testid="kubeconfig-download"
      >
        {state.pending ? 'Preparing…' : 'Download kubeconfig'}
      </button>
      {state.done && <span className="muted"> A new token named “kubeconfig …” was created for it.</span>}
      {state.error && (
        <p className="alert alert-error" data-testid="kubeconfig-error">
          {state.error}
        </p>
      )}
    </section>
  );
}
