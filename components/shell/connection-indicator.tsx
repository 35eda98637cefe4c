'use client';

import { useConnectionState } from '@entroos/react';

const LABELS = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
} as const;

/** Whether the live views are current: "Live" only while the tab's socket is connected. */
export function ConnectionIndicator() {
  const state = useConnectionState();
  return (
    <span
      className={`connection connection-${state}`}
      data-testid="connection-state"
      data-state={state}
      role="status"
      aria-live="polite"
      title={state === 'connected' ? 'Changes appear as they happen' : 'Views re-sync when the connection returns'}
    >
      <span className="connection-dot" aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}
