import { useState } from 'react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ConfigMap } from '@entroos/client';
import { EntroosProvider, useEntroos, useList, useWatch } from '../src/index.ts';
import { fixtureClient } from './fixture-client.ts';

// useList and useWatch over a fixture client whose watch modifies a ConfigMap every 500 ms. The counters show
// that events re-render without reopening anything: one informer started, however many events arrive.

let tick = 0;
const configmaps: ConfigMap[] = ['alpha', 'beta', 'gamma'].map((name) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', resourceVersion: '1', uid: name },
  data: { tick: '0' },
}));
const client = fixtureClient({
  lists: { '/api/v1/namespaces/default/configmaps': configmaps },
  live: (_path, push) => {
    const timer = setInterval(() => {
      tick++;
      const base = configmaps[tick % configmaps.length];
      push({
        type: 'MODIFIED',
        object: {
          ...base,
          metadata: { ...base.metadata, resourceVersion: String(tick + 1) },
          data: { tick: String(tick) },
        },
      });
    }, 500);
    return () => clearInterval(timer);
  },
});

function LiveConfigMaps() {
  const { hub } = useEntroos();
  const list = useList('configmaps', { namespace: 'default' });
  const [events, setEvents] = useState(0);
  // Same key as useList: shares its informer; the inline callback changes every render and is kept in a ref.
  useWatch('configmaps', { namespace: 'default', onEvent: () => setEvents((n) => n + 1) });
  return (
    <div>
      <p>
        Events seen: <strong>{events}</strong> · informers started: <strong>{hub.stats.started}</strong> · running:{' '}
        <strong>{hub.active}</strong>
      </p>
      <ul>
        {list.data?.map((c) => (
          <li key={c.metadata?.name}>
            {c.metadata?.name}: tick {c.data?.tick}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Mountable() {
  const [shown, setShown] = useState(true);
  return (
    <>
      <button type="button" className="eos-button" onClick={() => setShown(!shown)}>
        {shown ? 'Unmount (stops the watch)' : 'Mount again'}
      </button>
      {shown && <LiveConfigMaps />}
    </>
  );
}

const meta = {
  title: 'Hooks/useList and useWatch',
  component: LiveConfigMaps,
  parameters: {
    docs: {
      description: {
        component:
          'Hooks share one informer per resource, namespace and selectors through the provider; events never resubscribe, and the last unmount stops the watch request.',
      },
    },
  },
} satisfies Meta<typeof LiveConfigMaps>;
export default meta;
type Story = StoryObj<typeof meta>;

export const LiveList: Story = {
  render: () => (
    <EntroosProvider transport="http" client={client}>
      <Mountable />
    </EntroosProvider>
  ),
};
