'use client';

import { useQueries } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import { apiFetch } from '@/lib/client/api.ts';
import { collectionPath } from '@/lib/client/custom-resources.ts';
import { useApiResources, type ApiResourceEntry } from '@/lib/client/discovery.ts';
import { isEmptyQuery, parseQuery, searchableKinds, searchItems, type SearchItem } from '@/lib/client/search.ts';

// Ctrl-K / Cmd-K: objects of every kind by name, label or kind. Each kind is listed once per opening (names and
// labels only: a Table with the objects' metadata, up to LIST_LIMIT) and then filtered in memory as you type, so a
// keystroke costs no request even with thousands of pods.

const LIST_LIMIT = 5000;
const DEBOUNCE_MS = 120;
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json';

interface Listed {
  items: SearchItem[];
  partial: boolean;
}

interface MetadataRow {
  object?: { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } };
  cells?: unknown[];
}

async function listKind(entry: ApiResourceEntry, signal: AbortSignal): Promise<Listed> {
  const body = await apiFetch<{
    rows?: MetadataRow[];
    items?: MetadataRow['object'][];
    metadata?: { continue?: string };
  }>(`${collectionPath(entry)}?limit=${LIST_LIMIT}&includeObject=Metadata`, { accept: TABLE_ACCEPT, signal });
  const metas = body.rows ? body.rows.map((r) => r.object?.metadata) : (body.items ?? []).map((o) => o?.metadata);
  const items: SearchItem[] = [];
  for (const m of metas) if (m?.name) items.push({ entry, name: m.name, namespace: m.namespace, labels: m.labels });
  return { items, partial: Boolean(body.metadata?.continue) };
}

export function SearchDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const resources = useApiResources();
  const [typed, setTyped] = useState('');
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  // A new opening lists again (once): the key changes with it.
  const [opening, setOpening] = useState(0);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      setTyped('');
      setText('');
      setActive(0);
      setOpening((n) => n + 1);
      d.showModal();
    }
    if (!open && d.open) d.close();
  }, [open]);
  useEffect(() => {
    const t = setTimeout(() => setText(typed), DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [typed]);

  const entries = useMemo(() => resources.data ?? [], [resources.data]);
  const query = useMemo(() => parseQuery(text, entries), [text, entries]);
  const kinds = useMemo(
    () => (open && !isEmptyQuery(query) ? searchableKinds(entries, query) : []),
    [open, query, entries],
  );
  const lists = useQueries({
    queries: kinds.map((entry) => ({
      queryKey: ['search', opening, entry.group, entry.version, entry.plural],
      queryFn: ({ signal }: { signal: AbortSignal }) => listKind(entry, signal),
      staleTime: Infinity,
      gcTime: 60_000,
      retry: false,
    })),
  });
  const pending = lists.filter((l) => l.isPending).length;
  const partial = kinds.filter((_, i) => lists[i]?.data?.partial).map((e) => e.plural);
  // Recomputed when a list arrives or the query changes, not on every render.
  const arrived = lists.map((l) => l.dataUpdatedAt).join();
  const listed = () => lists.flatMap((l) => l.data?.items ?? []);
  const groups = useMemo(
    () => searchItems(listed(), query),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [arrived, query],
  );
  const hits = groups.flatMap((g) => g.hits);
  const current = Math.min(active, Math.max(0, hits.length - 1));

  const go = (href: string) => {
    onClose();
    router.push(href);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!hits.length) return;
      const next = (current + (e.key === 'ArrowDown' ? 1 : -1) + hits.length) % hits.length;
      setActive(next);
      document.getElementById(`search-hit-${next}`)?.scrollIntoView({ block: 'nearest' });
    } else if (e.key === 'Enter') {
      e.preventDefault();
      // Enter before the pause in typing has been read: the first match of what is typed now.
      const hit = typed === text ? hits[current] : searchItems(listed(), parseQuery(typed, entries))[0]?.hits[0];
      if (hit) go(hit.href);
    }
  };

  let index = -1;
  const status = query.problem
    ? query.problem
    : isEmptyQuery(query)
      ? 'Type a name, a label (app=web) or a kind and a name (deploy web).'
      : pending && !hits.length
        ? `Searching ${kinds.length} ${kinds.length === 1 ? 'kind' : 'kinds'}…`
        : hits.length
          ? `${hits.length} shown${pending ? `, still listing ${pending} kinds` : ''}. Arrows move, Enter opens.`
          : `Nothing matches “${text.trim()}”${query.kind ? ` among ${query.kind.plural}` : ''}.`;
  return (
    <dialog
      ref={dialog}
      className="sheet"
      style={{ width: 'min(560px, calc(100vw - 32px))' }}
      aria-labelledby="search-label"
      onClose={onClose}
      data-testid="search-dialog"
    >
      <label id="search-label" htmlFor="search-input">
        Search objects
      </label>
      <input
        id="search-input"
        type="text"
        autoFocus
        autoComplete="off"
        role="combobox"
        aria-expanded={hits.length > 0}
        aria-controls="search-results"
        aria-activedescendant={hits.length ? `search-hit-${current}` : undefined}
        aria-describedby="search-status"
        value={typed}
        onChange={(e) => {
          setTyped(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        placeholder="web · app=web · deploy web"
        style={{ width: '100%' }}
      />
      <p id="search-status" className="muted" data-testid="search-status" aria-live="polite">
        {status}
      </p>
      <div id="search-results" role="listbox" aria-label="Results" style={{ maxHeight: '55vh', overflow: 'auto' }}>
        {groups.map((g) => (
          <div
            key={`${g.entry.group}/${g.entry.plural}`}
            role="group"
            aria-labelledby={`search-kind-${g.entry.plural}-${g.entry.group}`}
          >
            <div id={`search-kind-${g.entry.plural}-${g.entry.group}`} className="nav-section" style={{ marginTop: 8 }}>
              {g.entry.kind}
              {g.entry.group !== 'core' ? ` (${g.entry.group})` : ''}
              {g.more ? ` · ${g.more} more` : ''}
            </div>
            {g.hits.map((hit) => {
              index++;
              const i = index;
              const selected = i === current;
              return (
                <div
                  key={`${hit.namespace ?? ''}/${hit.name}`}
                  id={`search-hit-${i}`}
                  role="option"
                  aria-selected={selected}
                  data-testid="search-hit"
                  onMouseMove={() => setActive(i)}
                  onClick={() => go(hit.href)}
                  style={{
                    padding: '4px 8px',
                    borderRadius: 4,
                    cursor: 'pointer',
                    background: selected ? 'var(--accent)' : undefined,
                    color: selected ? 'var(--accent-text)' : undefined,
                  }}
                >
                  {hit.namespace ? `${hit.namespace}/` : ''}
                  {hit.name}
                </div>
              );
            })}
          </div>
        ))}
      </div>
      {partial.length > 0 && (
        <p className="muted">
          Searched the first {LIST_LIMIT} of {partial.join(', ')}; their lists filter all of them.
        </p>
      )}
    </dialog>
  );
}
