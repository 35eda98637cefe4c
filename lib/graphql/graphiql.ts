// The page a browser gets at GET /graphql: a small, self-contained GraphQL explorer (no external scripts, styles or
// fonts: the server may have no internet, and the page must work offline). It runs queries and mutations over POST
// with the signed-in session, subscriptions over the graphql-transport-ws protocol on the same path, and lists the
// schema's root fields from introspection.

const EXAMPLE = `# Ctrl+Enter runs. Subscriptions stream below until you press Stop.
query Pods {
  pods(limit: 20) {
    resourceVersion
    items {
      metadata { namespace name }
      status { phase }
      node { metadata { name } }
      decision { node profile entropyAfter }
    }
  }
}
`;

const SCRIPT = String.raw`
const $ = (id) => document.getElementById(id);
const out = $('result');
let socket = null;
function show(value) { out.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2); }
function variables() {
  const text = $('variables').value.trim();
  if (!text) return undefined;
  try { return JSON.parse(text); } catch (e) { throw new Error('Variables are not valid JSON: ' + e.message); }
}
function stop() {
  if (socket) { socket.close(1000); socket = null; }
  $('stop').disabled = true;
}
async function run() {
  stop();
  const query = $('query').value;
  let vars;
  try { vars = variables(); } catch (e) { show(e.message); return; }
  if (/^\s*(#[^\n]*\n\s*)*subscription\b/.test(query)) return subscribe(query, vars);
  show('Running…');
  const res = await fetch(location.pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables: vars }),
  });
  if (res.status === 401) { show('Not signed in: log in at /login, then come back.'); return; }
  show(await res.json().catch(() => res.statusText));
}
function subscribe(query, vars) {
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + location.pathname;
  const events = [];
  socket = new WebSocket(url, 'graphql-transport-ws');
  $('stop').disabled = false;
  show('Connecting…');
  socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  socket.onmessage = (message) => {
    const msg = JSON.parse(message.data);
    if (msg.type === 'connection_ack') {
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: vars } }));
      show('Subscribed; waiting for changes…');
    } else if (msg.type === 'next') {
      events.unshift(msg.payload);
      if (events.length > 200) events.pop();
      show(events);
    } else if (msg.type === 'error') show({ errors: msg.payload });
    else if (msg.type === 'complete') stop();
    else if (msg.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
  };
  socket.onclose = (event) => {
    if (event.code === 4403) show('The socket was refused (4403): log in at /login, then come back.');
    socket = null;
    $('stop').disabled = true;
  };
}
async function loadSchema() {
  const query = '{ __schema { queryType { fields { name description } } mutationType { fields { name description } } subscriptionType { fields { name description } } } }';
  const res = await fetch(location.pathname, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }),
  });
  if (!res.ok) return;
  const body = await res.json();
  const schema = body.data && body.data.__schema;
  if (!schema) return;
  const list = $('schema');
  list.textContent = '';
  for (const [title, type] of [['Query', schema.queryType], ['Mutation', schema.mutationType], ['Subscription', schema.subscriptionType]]) {
    if (!type) continue;
    const heading = document.createElement('h3');
    heading.textContent = title + ' (' + type.fields.length + ')';
    list.appendChild(heading);
    for (const field of type.fields) {
      const item = document.createElement('div');
      item.className = 'field';
      item.textContent = field.name;
      item.title = field.description || '';
      list.appendChild(item);
    }
  }
}
$('run').addEventListener('click', run);
$('stop').addEventListener('click', stop);
$('query').addEventListener('keydown', (e) => { if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); run(); } });
loadSchema();
`;

const STYLE = `
body { margin: 0; font: 14px system-ui, sans-serif; background: #0f172a; color: #e2e8f0; }
header { display: flex; gap: 12px; align-items: center; padding: 8px 16px; background: #1e293b; }
header h1 { font-size: 16px; margin: 0; flex: 1; }
main { display: grid; grid-template-columns: 220px 1fr 1fr; gap: 8px; padding: 8px; height: calc(100vh - 60px); box-sizing: border-box; }
textarea, pre { background: #020617; color: #e2e8f0; border: 1px solid #334155; border-radius: 6px; padding: 8px;
  font: 13px ui-monospace, monospace; box-sizing: border-box; width: 100%; margin: 0; }
.editor { display: flex; flex-direction: column; gap: 8px; min-height: 0; }
#query { flex: 3; resize: none; } #variables { flex: 1; resize: none; }
pre { overflow: auto; height: 100%; white-space: pre-wrap; }
aside { overflow: auto; background: #020617; border: 1px solid #334155; border-radius: 6px; padding: 8px; }
aside h3 { font-size: 13px; margin: 8px 0 4px; color: #94a3b8; }
.field { font: 12px ui-monospace, monospace; padding: 1px 0; }
button { background: #2563eb; color: white; border: 0; border-radius: 6px; padding: 6px 14px; cursor: pointer; }
button:disabled { background: #475569; cursor: default; }
a { color: #93c5fd; }
`;

// The schema and the result scroll: they take focus (tabindex) so a keyboard can scroll them (WCAG 2.1.1).
export function graphiqlPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>EntroOS GraphQL</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
  <h1>EntroOS GraphQL</h1>
  <a href="/">Dashboard</a>
  <button id="run" type="button">Run</button>
  <button id="stop" type="button" disabled>Stop</button>
</header>
<main>
  <aside id="schema" aria-label="Schema" tabindex="0">Loading the schema…</aside>
  <div class="editor">
    <textarea id="query" aria-label="Query" spellcheck="false">${escapeHtml(EXAMPLE)}</textarea>
    <textarea id="variables" aria-label="Variables (JSON)" spellcheck="false" placeholder="Variables (JSON)"></textarea>
  </div>
  <pre id="result" aria-live="polite" aria-label="Result" tabindex="0">Press Run.</pre>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

/** The page's CSP: its own inline script and style (by nonce), requests to this origin and its WebSocket only. */
export function graphiqlCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self' ws: wss:",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
