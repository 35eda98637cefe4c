import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Client } from '@entroos/client';
import { WatchHub, type WatchHubOptions } from './watch-hub.js';
import { snarkjsVerifier, type ProofVerifier } from './proof.js';

export interface EntroosContextValue {
  client: Client;
  hub: WatchHub;
  verifier: ProofVerifier;
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
  /** An API token (eos_…) instead of the browser session. */
  token?: string;
  /** Your react-query client, if the app has one; otherwise the provider makes its own. */
  queryClient?: QueryClient;
  /** How ProofBadge and useProofVerification check proofs. Default: snarkjs in this tab, from the server. */
  verifier?: ProofVerifier;
  watch?: WatchHubOptions;
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
  const { client: given, baseUrl = '', token, verifier: givenVerifier, watch } = props;
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
  const hub = useMemo(() => new WatchHub(client, { batchMs, lingerMs }), [client, batchMs, lingerMs]);
  const verifier = useMemo(() => givenVerifier ?? snarkjsVerifier(client.server), [givenVerifier, client]);
  const [ownQueryClient] = useState(defaultQueryClient);
  const value = useMemo(() => ({ client, hub, verifier }), [client, hub, verifier]);
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
