'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { errorText } from '@/lib/client/api.ts';
import { streamPodLogs } from '@/lib/client/logs.ts';
import {
  downloadName,
  downloadText,
  firstMatches,
  highlightSegments,
  lineText,
  mergeByTime,
  parseLogChunk,
  searchMatcher,
  type LogEntry,
} from '@/lib/client/log-view.ts';

const ALL = '*';
const HISTORY = [200, 1000, 10_000];
/** Lines kept per container while following (the server keeps at most 10,000 per run). */
const KEEP = 10_000;

type State = 'loading' | 'streaming' | 'ended' | 'error';

/**
 * A pod's log: one container or all of them merged in time order, a live tail, search with highlighting, the
 * timestamps the server sent shown or hidden without a new request, wrap, more history, and a download.
 */
export function PodLogs({ namespace, name, containers }: { namespace: string; name: string; containers: string[] }) {
  const [container, setContainer] = useState(containers[0] ?? '');
  const [follow, setFollow] = useState(true);
  const [previous, setPrevious] = useState(false);
  const [tailLines, setTailLines] = useState(HISTORY[0]);
  const [timestamps, setTimestamps] = useState(false);
  const [wrap, setWrap] = useState(true);
  const [query, setQuery] = useState('');
  const [onlyMatching, setOnlyMatching] = useState(false);
  const [current, setCurrent] = useState(0);
  const [byContainer, setByContainer] = useState<Record<string, LogEntry[]>>({});
  const [state, setState] = useState<State>('loading');
  const [error, setError] = useState('');
  const [downloading, setDownloading] = useState(false);
  const pre = useRef<HTMLPreElement>(null);
  const shown = useMemo(() => (container === ALL ? containers : [container]), [container, containers]);
  const live = follow && !previous;

  useEffect(() => {
    const abort = new AbortController();
    // A new stream starts from an empty view (the stream is the external system this effect follows).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setByContainer({});
    setError('');
    setState('loading');
    const streams = shown.map((c) => {
      let rest = '';
      return streamPodLogs({
        namespace,
        name,
        container: c,
        follow: live,
        previous,
        timestamps: true,
        tailLines,
        signal: abort.signal,
        onText: (chunk) => {
          const parsed = parseLogChunk(rest, chunk, c);
          rest = parsed.rest;
          setState('streaming');
          if (parsed.entries.length)
            setByContainer((all) => ({ ...all, [c]: [...(all[c] ?? []), ...parsed.entries].slice(-KEEP) }));
        },
      });
    });
    Promise.all(streams).then(
      () => !abort.signal.aborted && setState('ended'),
      (err: Error) => {
        if (abort.signal.aborted) return;
        setError(err.message);
        setState('error');
        abort.abort();
      },
    );
    return () => abort.abort();
  }, [namespace, name, shown, live, previous, tailLines]);

  const entries = useMemo(() => mergeByTime(shown.map((c) => byContainer[c] ?? [])), [shown, byContainer]);
  const search = useMemo(() => searchMatcher(query), [query]);
  const format = { timestamps, containerPrefix: container === ALL };
  const rows = useMemo(() => {
    const matcher = search && 'match' in search ? search.match : undefined;
    const all = entries.map((e) => {
      const text = lineText(e, format);
      return { text, ranges: matcher ? matcher(text) : [] };
    });
    return matcher && onlyMatching ? all.filter((r) => r.ranges.length > 0) : all;
    // format is derived from timestamps and container.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [entries, search, onlyMatching, timestamps, container]);
  // Each row's first match's number, so the current match can be marked while rendering.
  const { firsts, matches } = useMemo(() => firstMatches(rows.map((r) => r.ranges.length)), [rows]);
  const active = matches ? Math.min(current, matches - 1) : 0;

  useEffect(() => {
    if (live && !query && pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [rows, live, query]);

  useEffect(() => {
    pre.current?.querySelector('mark.current')?.scrollIntoView({ block: 'nearest' });
  }, [active, query]);

  const step = (by: number) => matches && setCurrent((active + by + matches) % matches);

  async function download() {
    setDownloading(true);
    try {
      const lists = await Promise.all(
        shown.map(async (c) => {
          let text = '';
          await streamPodLogs({
            namespace,
            name,
            container: c,
            follow: false,
            previous,
            timestamps: true,
            tailLines: KEEP,
            signal: new AbortController().signal,
            onText: (chunk) => (text += chunk),
          });
          return parseLogChunk('', text.endsWith('\n') ? text : `${text}\n`, c).entries;
        }),
      );
      const url = URL.createObjectURL(
        new Blob([downloadText(mergeByTime(lists), format)], { type: 'text/plain;charset=utf-8' }),
      );
      const a = document.createElement('a');
      a.href = url;
      a.download = downloadName(name, container === ALL ? undefined : container);
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(`Could not download the log: ${errorText(err)}`);
      setState('error');
    } finally {
      setDownloading(false);
    }
  }

  return (
    <div className="pod-logs" data-testid="pod-logs-panel">
      <div className="row logs-toolbar">
        {containers.length > 1 && (
          <label>
            Container{' '}
            <select value={container} onChange={(e) => setContainer(e.target.value)}>
              {containers.map((c) => (
                <option key={c}>{c}</option>
              ))}
              <option value={ALL}>All containers</option>
            </select>
          </label>
        )}
        <label>
          Lines{' '}
          <select value={tailLines} onChange={(e) => setTailLines(Number(e.target.value))}>
            {HISTORY.map((n) => (
              <option key={n} value={n}>
                last {n.toLocaleString('en-US')}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} disabled={previous} />{' '}
          Follow
        </label>
        <label>
          <input type="checkbox" checked={previous} onChange={(e) => setPrevious(e.target.checked)} /> Previous instance
        </label>
        <label>
          <input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} /> Timestamps
        </label>
        <label>
          <input type="checkbox" checked={wrap} onChange={(e) => setWrap(e.target.checked)} /> Wrap
        </label>
        <button type="button" className="btn" onClick={download} disabled={downloading}>
          {downloading ? 'Downloading…' : 'Download'}
        </button>
        <span className="muted" aria-live="polite" data-testid="pod-logs-state">
          {state === 'loading'
            ? 'Loading…'
            : state === 'streaming' && live
              ? 'Following'
              : state === 'ended'
                ? live
                  ? 'The container stopped'
                  : 'Loaded'
                : ''}
        </span>
      </div>
      <div className="row logs-toolbar">
        <label>
          Search{' '}
          <input
            type="search"
            aria-label="Search the log"
            value={query}
            placeholder="text, or /regex/"
            onChange={(e) => {
              setQuery(e.target.value);
              setCurrent(0);
            }}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              step(e.shiftKey ? -1 : 1);
            }}
            aria-describedby="pod-logs-matches"
          />
        </label>
        <button type="button" className="btn" onClick={() => step(-1)} disabled={!matches} aria-label="Previous match">
          ↑
        </button>
        <button type="button" className="btn" onClick={() => step(1)} disabled={!matches} aria-label="Next match">
          ↓
        </button>
        <label>
          <input type="checkbox" checked={onlyMatching} onChange={(e) => setOnlyMatching(e.target.checked)} /> Only
          matching lines
        </label>
        <span id="pod-logs-matches" className="muted" aria-live="polite" data-testid="pod-logs-matches">
          {search && 'error' in search
            ? search.error
            : query
              ? matches
                ? `${active + 1} of ${matches.toLocaleString('en-US')} matches`
                : 'No matches'
              : `${entries.length.toLocaleString('en-US')} lines`}
        </span>
      </div>
      {state === 'error' ? (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      ) : (
        <pre
          ref={pre}
          className={wrap ? 'logs' : 'logs nowrap'}
          data-testid="pod-logs"
          tabIndex={0}
          aria-label={`Log of ${container === ALL ? 'all containers' : `container ${container}`}`}
        >
          {rows.length === 0
            ? state === 'loading'
              ? ''
              : '(no lines yet)'
            : rows.map((r, i) => (
                <span key={i} className="log-line">
                  {r.ranges.length === 0
                    ? r.text
                    : highlightSegments(r.text, r.ranges).map((s, j) =>
                        s.match !== undefined ? (
                          <mark key={j} className={firsts[i] + s.match === active ? 'current' : undefined}>
                            {s.text}
                          </mark>
                        ) : (
                          s.text
                        ),
                      )}
                  {'\n'}
                </span>
              ))}
        </pre>
      )}
    </div>
  );
}
