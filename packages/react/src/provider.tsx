import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Client } from '@entroos/client';
import { RouterSocket, socketWatch } from '@entroos/client/socket';
import { WatchHub, type WatchHubOptions } from './watch-hub.ts';
import { snarkjsVerifier, type ProofVerifier } from './proof.ts';

export interface EntroosContextValue {
  client: Client;
  hub: WatchHub;
  verifier: ProofVerifier;
  /** The tab's socket to the router, when live lists follow it (see `transport`). */
  socket?: RouterSocket;
}

const EntroosContext = createContext<EntroosContextValue | null>(null);

export interface EntroosProviderProps {
  /** A client to use; otherwise one is made from `baseUrl` and `token`. */
  client?: Client;
  /**
   * The EntroOS server. '' (the default) is the page's own origin with the dashboard's session cookie; another
   * origin sends the cookie too (`credentials: 'include'`), or use `token`.
   */
  baseUrl?: string;
  /** An API token (eos_…) instead of the browser session (for the requests and the socket). */
  token?: string;
  /** Your react-query client, if the app has one; otherwise the provider makes its own. */
  queryClient?: QueryClient;
  /** How ProofBadge and useProofVerification check proofs. Default: snarkjs in this tab, from the server. */
  verifier?: ProofVerifier;
  watch?: Omit<WatchHubOptions, 'watch'>;
  /**
   * How live lists follow their changes after listing over HTTP. 'socket' (the default in browsers): one socket
   * to the router per tab, every subscription on it, resumed after a reconnect. 'http' (the default elsewhere, and
   * the fallback): one HTTP watch per live list.
   */
  transport?: 'socket' | 'http';
  /** A socket to share (e.g. one the app already holds); otherwise the provider opens its own when needed. */
  socket?: RouterSocket;
  children?: ReactNode;
}

function defaultQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // Live data arrives through watches: refetching on focus would only repeat what the watch already said.
      queries: { refetchOnWindowFocus: false, retry: 1, staleTime: 5_000 },
    },
  });
}

/**
 * Mount once, at the root of the app: it holds the tab's client, its react-query cache and its watch hub (one
 * informer per distinct resource/namespace/selector, shared by every hook that asks for it).
 */
export function EntroosProvider(props: EntroosProviderProps) {
  const { client: given, baseUrl = '', token, verifier: givenVerifier, watch, socket: givenSocket } = props;
  const transport = props.transport ?? (typeof window === 'undefined' ? 'http' : 'socket');
  const client = useMemo(
    () =>
      given ??
      new Client({
        server: baseUrl,
        token,
        credentials: token ? 'omit' : baseUrl ? 'include' : 'same-origin',
      }),
    [given, baseUrl, token],
  );
  const batchMs = watch?.batchMs;
  const lingerMs = watch?.lingerMs;
  // The socket connects on its first subscription, so a provider whose page watches nothing opens none.
  const socket = useMemo(
    () => (transport === 'socket' ? (givenSocket ?? new RouterSocket({ server: client.server, token })) : undefined),
    [transport, givenSocket, client, token],
  );
  const closing = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => {
    clearTimeout(closing.current);
    if (!socket || socket === givenSocket) return;
    // Closed a task later, so StrictMode's unmount-and-mount-again keeps it.
    return () => void (closing.current = setTimeout(() => socket.close(), 0));
  }, [socket, givenSocket]);
  const hub = useMemo(
    () => new WatchHub(client, { batchMs, lingerMs, watch: socket ? socketWatch(socket) : undefined }),
    [client, batchMs, lingerMs, socket],
  );
  const verifier = useMemo(() => givenVerifier ?? snarkjsVerifier(client.server), [givenVerifier, client]);
  const [ownQueryClient] = useState(defaultQueryClient);
  const value = useMemo(() => ({ client, hub, verifier, socket }), [client, hub, verifier, socket]);
  return (
    <QueryClientProvider client={props.queryClient ?? ownQueryClient}>
      <EntroosContext.Provider value={value}>{props.children}</EntroosContext.Provider>
    </QueryClientProvider>
  );
}

/** The provider's client, watch hub and verifier. */
export function useEntroos(): EntroosContextValue {
  const value = useContext(EntroosContext);
  if (!value) throw new Error('@entroos/react: wrap the app in <EntroosProvider> (hooks and live components need it)');
  return value;
}

/** The provider's @entroos/client instance, for calls no hook covers. */
export const useClient = (): Client => useEntroos().client;
