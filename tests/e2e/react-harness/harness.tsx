import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { EntroosProvider, useConnectionState, useEntroos, useList, useWatch } from '@entroos/react';

// A test-only page for tests/e2e/react-hooks.spec.ts: served by the spec at the server's own origin (so the
// browser session cookie authenticates it, as in the dashboard), it lists ConfigMaps of one namespace live and
// can unmount the list. `?transport=http` follows lists with HTTP watches instead of the socket.

declare global {
  interface Window {
    entroosHub?: { started: number; stopped: number; active: number };
    /** Drops the socket (as a network failure would) and opens it again, for the reconnect test. */
    entroosSocket?: { disconnect(): void; connect(): void };
  }
}

function HubProbe() {
  const { hub, socket } = useEntroos();
  const state = useConnectionState();
  useEffect(() => {
    const timer = setInterval(() => {
      window.entroosHub = { ...hub.stats, active: hub.active };
    }, 50);
    return () => clearInterval(timer);
  }, [hub]);
  useEffect(() => {
    window.entroosSocket = { disconnect: () => socket?.disconnect(), connect: () => socket?.connect() };
  }, [socket]);
  return <p data-testid="connection">{state}</p>;
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
  const params = new URLSearchParams(location.search);
  const namespace = params.get('namespace') ?? 'default';
  const transport = params.get('transport') === 'http' ? 'http' : undefined;
  const [shown, setShown] = useState(true);
  return (
    <EntroosProvider transport={transport}>
      <HubProbe />
      <button type="button" onClick={() => setShown(!shown)}>
        {shown ? 'Unmount' : 'Mount'}
      </button>
      {shown && <LiveConfigMaps namespace={namespace} />}
    </EntroosProvider>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(<App />);
