import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { EntroosProvider, useEntroos, useList, useWatch } from '@entroos/react';

// A test-only page for tests/e2e/react-hooks.spec.ts: served by the spec at the server's own origin (so the
// browser session cookie authenticates it, as in the dashboard), it lists ConfigMaps of one namespace live and
// can unmount the list.

declare global {
  interface Window {
    entroosHub?: { started: number; stopped: number; active: number };
  }
}

function HubProbe() {
  const { hub } = useEntroos();
  useEffect(() => {
    const timer = setInterval(() => {
      window.entroosHub = { ...hub.stats, active: hub.active };
    }, 50);
    return () => clearInterval(timer);
  }, [hub]);
  return null;
}

function LiveConfigMaps({ namespace }: { namespace: string }) {
  const list = useList('configmaps', { namespace });
  const [events, setEvents] = useState(0);
  // A new callback every render: kept in a ref, it must never reopen the watch.
  useWatch('configmaps', { namespace, onEvent: () => setEvents((n) => n + 1) });
  return (
    <section>
      <p data-testid="state">
        {list.data ? 'synced' : list.error ? `error: ${(list.error as Error).message}` : 'loading'}
      </p>
      <p data-testid="events">{events}</p>
      <ul data-testid="items">
        {list.data?.map((c) => (
          <li key={c.metadata?.name}>{c.metadata?.name}</li>
        ))}
      </ul>
    </section>
  );
}

function App() {
  const namespace = new URLSearchParams(location.search).get('namespace') ?? 'default';
  const [shown, setShown] = useState(true);
  return (
    <EntroosProvider>
      <HubProbe />
      <button type="button" onClick={() => setShown(!shown)}>
        {shown ? 'Unmount' : 'Mount'}
      </button>
      {shown && <LiveConfigMaps namespace={namespace} />}
    </EntroosProvider>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(<App />);
