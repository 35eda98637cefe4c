// A child process of bench/router.ts: N socket.io clients that each mirror
// every pod (list, then subscribe from the list's version), measuring the
// time from store commit to receipt of each change. On "stop" (stdin) each
// mirror is compared with a fresh list; one JSON line goes to stdout.
import { io, type Socket } from 'socket.io-client';
import type { KubeObject } from '../lib/apimachinery/object.ts';

const [url, token, countText] = process.argv.slice(2);
const count = Number(countText);
const headers = { Authorization: `Bearer ${token}` };
// 1 ms buckets up to 10 s.
const histogram = new Uint32Array(10_001);
let samples = 0;
let resyncs = 0;
let received = 0;

interface Mirror {
  objects: Map<string, string>;
}

async function list(): Promise<{ items: KubeObject[]; metadata: { resourceVersion: string } }> {
  return (await fetch(`${url}/api/v1/pods`, { headers })).json() as never;
}

async function main() {
  const initial = await list();
  const mirrors: Mirror[] = [];
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) {
    const mirror: Mirror = {
      objects: new Map(
        initial.items.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p.metadata.resourceVersion]),
      ),
    };
    mirrors.push(mirror);
    const socket = io(url, { path: '/socket.io', transports: ['websocket'], auth: { token }, forceNew: true });
    socket.on('changes', (_meta: { id: string; resourceVersion: string }, payload: Buffer) => {
      const now = Date.now();
      for (const c of JSON.parse(payload.toString('utf8'))) {
        const key = `${c.object.metadata.namespace}/${c.object.metadata.name}`;
        if (c.type === 'DELETED') mirror.objects.delete(key);
        else mirror.objects.set(key, c.object.metadata.resourceVersion);
        received++;
        if (c.committedAt) {
          histogram[Math.min(10_000, Math.max(0, now - c.committedAt))]++;
          samples++;
        }
      }
    });
    socket.on('resync', () => resyncs++);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const ack = await socket.emitWithAck('subscribe', {
      id: 'pods',
      resource: 'pods',
      resourceVersion: initial.metadata.resourceVersion,
    });
    if (!ack.ok) throw new Error(`subscribe: ${ack.error.message}`);
    sockets.push(socket);
  }
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
  process.stdin.once('data', async () => {
    await new Promise((r) => setTimeout(r, 1500)); // let the last window drain
    const truth = await list();
    const expected = new Map(
      truth.items.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p.metadata.resourceVersion]),
    );
    let mismatched = 0;
    for (const m of mirrors) {
      if (m.objects.size !== expected.size) mismatched++;
      else
        for (const [k, rv] of expected)
          if (m.objects.get(k) !== rv) {
            mismatched++;
            break;
          }
    }
    const at = (p: number) => {
      let seen = 0;
      for (let ms = 0; ms < histogram.length; ms++) if ((seen += histogram[ms]) >= p * samples) return ms;
      return 10_000;
    };
    for (const s of sockets) s.close();
    process.stdout.write(
      JSON.stringify({ samples, received, resyncs, mismatched, p50: at(0.5), p99: at(0.99) }) + '\n',
    );
    process.exit(0);
  });
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ error: (err as Error).message }) + '\n');
  process.exit(1);
});
