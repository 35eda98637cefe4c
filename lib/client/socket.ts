'use client';

import { RouterSocket, type SubscriptionHandlers, type SubscriptionSpec } from '@entroos/client/socket';

// The tab's one socket to the router: @entroos/client's RouterSocket, shared by the dashboard's own live views
// (compact rows, history, decisions, audit) and by @entroos/react's hooks, whose provider is given this socket.
// Subscriptions survive reconnects, each resumed from the last resourceVersion it received; when the server says
// a view is stale, its onResync lists again. Its state, for the indicator, is @entroos/react's useConnectionState.

let socket: RouterSocket | undefined;

/** The tab's socket (made on first use; it connects on its first subscription). */
export function tabSocket(): RouterSocket {
  socket ??= new RouterSocket({
    onUnauthorized: () =>
      window.location.assign(`/login?reason=expired&callbackUrl=${encodeURIComponent(window.location.pathname)}`),
  });
  return socket;
}

/** Subscribes on the tab's socket; returns the unsubscribe function. */
export function subscribe(request: SubscriptionSpec, handlers: SubscriptionHandlers): () => void {
  return tabSocket().subscribe(request, handlers);
}
