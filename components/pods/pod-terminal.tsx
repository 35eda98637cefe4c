'use client';

import { useEffect, useRef, useState } from 'react';
import '@xterm/xterm/css/xterm.css';

// A terminal on the pod page: xterm.js connected to the pod's exec endpoint over a WebSocket, speaking the same
// protocol as kubectl (v5.channel.k8s.io: channel 0 stdin, 1 stdout, 3 the exit Status, 4 resize). The browser
// sends the session cookie itself; it cannot read why an upgrade was refused, so after a failed connection the
// same URL is asked again as a plain request, whose Status says why (403 for a viewer, the container not running…).

interface Props {
  namespace: string;
  name: string;
  containers: { name: string; running: boolean }[];
  /** Whether the signed-in user may create pods/exec here (the server checks again). */
  canExec: boolean;
}

type State =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'ended'; message: string }
  | { kind: 'error'; message: string };

const encoder = new TextEncoder();

function execUrl(namespace: string, name: string, container: string, scheme: 'ws' | 'http') {
  const query = new URLSearchParams({ command: 'sh', container, stdin: 'true', stdout: 'true', tty: 'true' });
  const protocol = scheme === 'ws' ? (location.protocol === 'https:' ? 'wss:' : 'ws:') : location.protocol;
  return `${protocol}//${location.host}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/exec?${query}`;
}

function framed(channel: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 1);
  out[0] = channel;
  out.set(data, 1);
  return out;
}

/** What the error channel's Status says about the end of the shell. */
function endedWith(status: string): string {
  try {
    const s = JSON.parse(status) as {
      status?: string;
      message?: string;
      details?: { causes?: { message?: string }[] };
    };
    if (s.status === 'Success') return 'The shell exited (status 0).';
    const code = s.details?.causes?.[0]?.message;
    return code ? `The shell exited with status ${code}.` : (s.message ?? 'The shell ended.');
  } catch {
    return 'The shell ended.';
  }
}

/** Why the server refused the upgrade: the same request, not upgraded, answers with the Status. */
async function whyRefused(url: string): Promise<string> {
  try {
    const res = await fetch(url, { method: 'POST', credentials: 'same-origin' });
    const status = (await res.json()) as { message?: string };
    if (status.message && status.message !== 'Upgrade request required') return status.message;
  } catch {
    // fall through to the general message
  }
  return 'The server refused the terminal: the container may not be running (see its state above).';
}

export function PodTerminal({ namespace, name, containers, canExec }: Props) {
  const first = containers.find((c) => c.running) ?? containers[0];
  const [container, setContainer] = useState(first?.name ?? '');
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [attempt, setAttempt] = useState(0);
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!attempt || !host.current) return;
    const element = host.current;
    let disposed = false;
    let socket: WebSocket | undefined;
    let cleanup = () => {};
    // xterm.js touches `window` when it loads: it is imported here, in the browser, only when a shell is opened.
    void Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')]).then(([{ Terminal }, { FitAddon }]) => {
      if (disposed) return;
      const term = new Terminal({ cursorBlink: true, fontSize: 13, convertEol: false, scrollback: 2_000 });
      const fit = new FitAddon();
      term.loadAddon(fit);
      element.replaceChildren();
      term.open(element);
      fit.fit();
      const ws = new WebSocket(execUrl(namespace, name, container, 'ws'), ['v5.channel.k8s.io']);
      socket = ws;
      ws.binaryType = 'arraybuffer';
      let opened = false;
      let ended = false;
      const resize = () => {
        if (ws.readyState === WebSocket.OPEN)
          ws.send(framed(4, encoder.encode(JSON.stringify({ Width: term.cols, Height: term.rows }))));
      };
      ws.onopen = () => {
        opened = true;
        setState({ kind: 'open' });
        resize();
        term.focus();
      };
      ws.onmessage = (event: MessageEvent<ArrayBuffer>) => {
        const data = new Uint8Array(event.data);
        if (data[0] === 1 || data[0] === 2) term.write(data.subarray(1));
        else if (data[0] === 3) {
          ended = true;
          setState({ kind: 'ended', message: endedWith(new TextDecoder().decode(data.subarray(1))) });
        }
      };
      ws.onclose = () => {
        if (disposed) return;
        if (!opened)
          void whyRefused(execUrl(namespace, name, container, 'http')).then(
            (message) => !disposed && setState({ kind: 'error', message }),
          );
        else if (!ended) setState({ kind: 'ended', message: 'The connection closed.' });
      };
      const input = term.onData((text) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(framed(0, encoder.encode(text)));
      });
      const resized = term.onResize(resize);
      const observer = new ResizeObserver(() => fit.fit());
      observer.observe(element);
      cleanup = () => {
        observer.disconnect();
        input.dispose();
        resized.dispose();
        term.dispose();
      };
    });
    return () => {
      disposed = true;
      socket?.close();
      cleanup();
    };
  }, [attempt, namespace, name, container]);

  if (!canExec)
    return (
      <p className="muted" data-testid="pod-terminal-denied">
        Your role cannot open a shell here: it needs <code>create</code> on <code>pods/exec</code> in {namespace}{' '}
        (viewers may not exec into pods).
      </p>
    );

  const connect = () => {
    setState({ kind: 'connecting' });
    setAttempt((n) => n + 1);
  };
  const live = state.kind === 'open' || state.kind === 'connecting';

  return (
    <div className="pod-terminal">
      <p className="muted" data-testid="pod-terminal-note">
        A simulated shell: the mock runtime answers with the container&apos;s environment and mounted files and a few
        commands (<code>help</code> lists them) — no real processes run.
      </p>
      <div className="row logs-toolbar">
        {containers.length > 1 && (
          <label>
            Container{' '}
            <select value={container} onChange={(e) => setContainer(e.target.value)} disabled={live}>
              {containers.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                  {c.running ? '' : ' (not running)'}
                </option>
              ))}
            </select>
          </label>
        )}
        <button
          type="button"
          className="btn"
          onClick={connect}
          disabled={state.kind === 'connecting'}
          data-testid="pod-terminal-connect"
        >
          {state.kind === 'idle' ? 'Open shell' : 'Reconnect'}
        </button>
        <span className="muted" aria-live="polite" data-testid="pod-terminal-state">
          {state.kind === 'connecting'
            ? 'Connecting…'
            : state.kind === 'open'
              ? `Connected to ${container}`
              : state.kind === 'ended'
                ? state.message
                : ''}
        </span>
      </div>
      {state.kind === 'error' && (
        <p className="alert alert-error" role="alert" data-testid="pod-terminal-error">
          {state.message}
        </p>
      )}
      <div
        ref={host}
        className="terminal"
        data-testid="pod-terminal"
        role="region"
        aria-label={`Terminal of container ${container}`}
        hidden={state.kind === 'idle'}
      />
    </div>
  );
}
