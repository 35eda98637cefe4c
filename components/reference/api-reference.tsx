'use client';

import dynamic from 'next/dynamic';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { apiFetch } from '@/lib/client/api.ts';
import type { ReferenceIndex, ReferenceIndexGroup } from '@/lib/http/reference/documents.ts';
import styles from './api-reference.module.css';

// The renderer is loaded only on this page, in the browser: it is the largest bundle in the dashboard, and it
// needs the DOM.
const SwaggerView = dynamic(() => import('./swagger-view'), {
  ssr: false,
  loading: () => <p className="muted">Loading the reference viewer…</p>,
});

const fileName = (id: string) => `entroos-${id.replace(/[^A-Za-z0-9.]+/g, '-')}.openapi.json`;

function GroupOptions({ label, groups }: { label: string; groups: ReferenceIndexGroup[] }) {
  if (!groups.length) return null;
  return (
    <optgroup label={label}>
      {groups.map((g) => (
        <option key={g.id} value={g.id}>
          {`${g.title} (${g.operations} operations)`}
        </option>
      ))}
    </optgroup>
  );
}

export function ApiReference({ index, initialGroup }: { index: ReferenceIndex; initialGroup: string }) {
  const [groupId, setGroupId] = useState(initialGroup);
  // Fetch the viewer's bundle while the document loads, not after.
  useEffect(() => {
    void import('./swagger-view');
  }, []);
  const group = index.groups.find((g) => g.id === groupId);
  const doc = useQuery({
    queryKey: ['api-reference', groupId],
    queryFn: () => apiFetch<Record<string, unknown>>(group?.openapi ?? index.openapi),
    enabled: !!group,
    staleTime: 60_000,
  });

  function pick(id: string) {
    setGroupId(id);
    // The group is in the address, so a link or a reload shows the same one.
    const url = new URL(window.location.href);
    url.searchParams.set('group', id);
    window.history.replaceState(null, '', url);
  }

  return (
    <>
      <section className="panel">
        <div className={styles.toolbar}>
          <div className={styles.picker}>
            <label htmlFor="api-group">API group</label>
            <select id="api-group" value={groupId} onChange={(e) => pick(e.target.value)} data-testid="api-group">
              <GroupOptions
                label="Kubernetes"
                groups={index.groups.filter((g) => !g.custom && g.group !== 'entroos.io')}
              />
              <GroupOptions label="EntroOS" groups={index.groups.filter((g) => g.group === 'entroos.io')} />
              <GroupOptions label="Custom resources" groups={index.groups.filter((g) => g.custom)} />
            </select>
          </div>
          <div className={styles.downloads} data-testid="api-downloads">
            <span className="muted">Download:</span>
            {group && (
              <a className="btn" href={group.openapi} download={fileName(group.id)}>
                OpenAPI ({group.id})
              </a>
            )}
            <a className="btn" href={index.openapi} download="entroos.openapi.json">
              OpenAPI (whole API)
            </a>
            <a className="btn" href={index.postman} download="entroos.postman_collection.json">
              Postman collection
            </a>
            <a className="btn" href={index.graphqlSchema} download="entroos.graphql">
              GraphQL schema (SDL)
            </a>
          </div>
        </div>
      </section>
      <div className={styles.renderer} data-testid="api-reference">
        {doc.isPending && <p className="muted">Loading {groupId}…</p>}
        {doc.isError && (
          <p className="alert alert-error" role="alert">
            {doc.error.message}
          </p>
        )}
        {doc.data && <SwaggerView key={groupId} spec={doc.data} />}
      </div>
    </>
  );
}
