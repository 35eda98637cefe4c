// A child process of bench/router.ts: the fixed reference workload for its fan-out figures (issue #22). A plain
// node:http + socket.io server that does the benchmark's job minimally: it holds PODS copies of one pod (the JSON the
// real server serves, from REF_TEMPLATE), answers the pod list, applies each PATCH of the pod's annotations, stamps
// the change's commit time, and every WINDOW_MS sends the changes of that window, encoded once, to every subscribed
// socket in the same wire format as the real gateway. No store, auth, routing or Next.js: the same writer and the
// same clients against it tell what the machine does at that moment, and the real server's latency divided by its
// latency does not depend on the machine. Keep it unchanged, or the ratios of older runs stop being comparable.
// Prints "ready" on stdout once it listens on REF_PORT.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { KubeObject } from '../lib/apimachinery/object.ts';

const WINDOW_MS = 10;
const template = JSON.parse(process.env.REF_TEMPLATE ?? '{}') as KubeObject;
const pods = Number(process.env.REF_PODS ?? 1000);
let resourceVersion = 1;
const objects = new Map<string, KubeObject>();
for (let i = 0; i < pods; i++) {
  const name = `p-${i}`;
  objects.set(name, {
    ...template,
    metadata: { ...template.metadata, name, uid: `ref-${i}`, resourceVersion: String(++resourceVersion) },
  });
}

const subscribers = new Set<Socket>();
let pending: { committedAt: number; json: string }[] = [];
let timer: NodeJS.Timeout | undefined;

function flush() {
  timer = undefined;
  const batch = pending;
  pending = [];
  const payload = Buffer.from(
    `[${batch.map((c) => `{"type":"MODIFIED","committedAt":${c.committedAt},"object":${c.json}}`).join(',')}]`,
  );
  const meta = { id: 'pods', resourceVersion: String(resourceVersion) };
  for (const socket of subscribers) socket.emit('changes', meta, payload);
}

function patch(name: string, body: string, res: ServerResponse) {
  const old = objects.get(name);
  if (!old) {
    res.writeHead(404).end();
    return;
  }
  const annotations = (JSON.parse(body) as { metadata?: { annotations?: Record<string, string> } }).metadata
    ?.annotations;
  const object: KubeObject = {
    ...old,
    metadata: {
      ...old.metadata,
      annotations: { ...(old.metadata.annotations as Record<string, string> | undefined), ...annotations },
      resourceVersion: String(++resourceVersion),
    },
  };
  objects.set(name, object);
  const json = JSON.stringify(object);
  pending.push({ committedAt: Date.now(), json });
  timer ??= setTimeout(flush, WINDOW_MS);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) }).end(json);
}

function handle(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  req.on('data', (d: Buffer) => chunks.push(d));
  req.on('end', () => {
    const name = /^\/api\/v1\/namespaces\/default\/pods\/([^/?]+)$/.exec(req.url ?? '')?.[1];
    if (req.method === 'PATCH' && name) return patch(name, Buffer.concat(chunks).toString('utf8'), res);
    if (req.method === 'GET' && req.url === '/api/v1/pods') {
      const list = JSON.stringify({
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(resourceVersion) },
        items: [...objects.values()],
      });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(list);
      return;
    }
    res.writeHead(404).end();
  });
}

const http = createServer(handle);
const io = new Server(http, { path: '/socket.io', serveClient: false });
io.on('connection', (socket) => {
  socket.on('subscribe', (_spec: unknown, ack: (reply: { ok: true; resourceVersion: string }) => void) => {
    subscribers.add(socket);
    ack({ ok: true, resourceVersion: String(resourceVersion) });
  });
  socket.on('disconnect', () => subscribers.delete(socket));
});
http.listen(Number(process.env.REF_PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
