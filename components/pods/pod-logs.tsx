'use client';

import { useEffect, useRef, useState } from 'react';
import { streamPodLogs } from '@/lib/client/logs.ts';

const MAX_CHARS = 200_000;

/** A container's log with a live tail: follow streams new lines as the container writes them. */
export function PodLogs({ namespace, name, containers }: { namespace: string; name: string; containers: string[] }) {
  const [container, setContainer] = useState(containers[0] ?? '');
  const [follow, setFollow] = useState(true);
  const [previous, setPrevious] = useState(false);
  const [text, setText] = useState('');
  const [state, setState] = useState<'loading' | 'streaming' | 'ended' | 'error'>('loading');
  const [error, setError] = useState('');
  const pre = useRef<HTMLPreElement>(null);

  useEffect(() => {
    const abort = new AbortController();
    // A new stream starts from an empty view (the stream is the external system this effect follows).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setText('');
    setError('');
    setState('loading');
    const live = follow && !previous;
    streamPodLogs({
      namespace,
      name,
      container,
      follow: live,
      previous,
      tailLines: 200,
      signal: abort.signal,
      onText: (chunk) => {
        setState('streaming');
        setText((t) => (t + chunk).slice(-MAX_CHARS));
      },
    }).then(
      () => !abort.signal.aborted && setState('ended'),
      (err: Error) => {
        if (abort.signal.aborted) return;
        setError(err.message);
        setState('error');
      },
    );
    return () => abort.abort();
  }, [namespace, name, container, follow, previous]);

  useEffect(() => {
    if (follow && pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [text, follow]);

  return (
    <div className="pod-logs">
      <div className="row logs-toolbar">
        {containers.length > 1 && (
          <label>
            Container{' '}
            <select value={container} onChange={(e) => setContainer(e.target.value)}>
              {containers.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
        )}
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} disabled={previous} />{' '}
          Follow
        </label>
        <label>
          <input type="checkbox" checked={previous} onChange={(e) => setPrevious(e.target.checked)} /> Previous instance
        </label>
        <span className="muted" aria-live="polite" data-testid="pod-logs-state">
          {state === 'loading'
            ? 'Loading…'
            : state === 'streaming' && follow && !previous
              ? 'Following'
              : state === 'ended'
                ? follow && !previous
                  ? 'The container stopped'
                  : 'Loaded'
                : ''}
        </span>
      </div>
      {state === 'error' ? (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      ) : (
        <pre
          ref={pre}
          className="logs"
          data-testid="pod-logs"
          tabIndex={0}
          aria-label={`Log of container ${container}`}
        >
          {text || (state === 'loading' ? '' : '(no lines yet)')}
        </pre>
      )}
    </div>
  );
}
