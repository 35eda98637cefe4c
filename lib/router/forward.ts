import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { WatchCache } from '../store/index.ts';

// A follower serves reads and watches from its replicated cache and sends
// everything that needs the leader there: object writes (the leader is the
// one writer), and what lives only in the leader's memory (the scheduler,
// the in-process nodes' logs and usage, faults).

export const FORWARDED_HEADER = 'x-entroos-forwarded-by';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether this request must be served by the leader. */
export function needsLeader(method: string, pathname: string): boolean {
  const parts = pathname.split('/').filter(Boolean);
  if (parts[0] === 'api' && parts[1] === 'v1') {
    if (!READS.has(method)) return true;
    return parts.at(-1) === 'log' && parts.includes('pods'); // container logs come from the runtime on the leader
  }
  if (parts[0] === 'apis' && parts[1] === 'entroos.io') {
    const rest = parts.slice(3);
    // The image marks' writes too: the leader's nodes pull through its registry.
    return (
      rest[0] === 'scheduler' ||
      rest[0] === 'chaos' ||
      rest[0] === 'history' ||
      rest.at(-1) === 'faults' ||
      // Backups live in the leader's backup directory, and a restore writes like any write: on the leader.
      rest[0] === 'backups' ||
      rest[0] === 'restores' ||
      (rest[0] === 'namespaces' && rest.at(-1) === 'import') ||
      (rest[0] === 'images' && !READS.has(method))
    );
  }
  // An application's stored files (a CI artifact's /content) are in the leader's data directory.
  if (parts[0] === 'apis' && parts.length > 1)
    return !READS.has(method) || parts[1] === 'metrics.k8s.io' || (parts.length > 4 && parts.at(-1) === 'content');
  // A POST may carry a mutation (GET only reads): the leader runs it, as any write.
  if (parts[0] === 'graphql' && parts.length === 1) return !READS.has(method);
  return false;
}

// Hop-by-hop headers belong to one connection, not to the forwarded message.
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection'];
function endToEnd(headers: IncomingMessage['headers']): IncomingMessage['headers'] {
  const out = { ...headers };
  for (const h of HOP_BY_HOP) delete out[h];
  return out;
}

const MAX_BUFFERED = 8 * 1024 * 1024;

/**
 * Proxies the request to the leader. A successful JSON answer carrying a
 * resourceVersion is held until this instance's cache has caught up to it,
 * so a client that writes through a follower reads its own write there next.
 */
export function forwardToLeader(
  req: IncomingMessage,
  res: ServerResponse,
  leader: string,
  self: string,
  cache: WatchCache,
): Promise<void> {
  return new Promise((resolve) => {
    const target = new URL(req.url ?? '/', leader);
    const headers: IncomingMessage['headers'] = {
      ...endToEnd(req.headers),
      host: target.host,
      [FORWARDED_HEADER]: self,
    };
    // The client's address for the leader's audit record (sourceIPs lists X-Forwarded-For first, like Kubernetes).
    const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].flat().filter(Boolean).join(', ');
    if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
    if (req.headers['transfer-encoding']) headers['transfer-encoding'] = req.headers['transfer-encoding'];
    const upstream = httpRequest(target, { method: req.method, headers }, (answer) => {
      const type = String(answer.headers['content-type'] ?? '');
      const streamed =
        !type.includes('application/json') ||
        (answer.statusCode ?? 500) >= 300 ||
        Number(answer.headers['content-length'] ?? 0) > MAX_BUFFERED;
      if (streamed) {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', () => resolve());
        res.on('close', () => answer.destroy());
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('error', () => resolve());
      answer.on('end', async () => {
        const body = Buffer.concat(chunks);
        const rv = resourceVersionOf(body);
        if (rv) await caughtUp(cache, rv, 2_000);
        res.writeHead(answer.statusCode ?? 200, { ...endToEnd(answer.headers), 'content-length': String(body.length) });
        res.end(body);
        resolve();
      });
    });
    upstream.on('error', (err) => {
      if (!res.headersSent) {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: `the leader instance at ${leader} is unreachable (${err.message}); retry in a few seconds, another instance takes over if it stays down`,
            reason: 'ServiceUnavailable',
            details: { retryAfterSeconds: 2 },
            code: 503,
          }),
        );
      } else res.destroy();
      resolve();
    });
    req.pipe(upstream);
  });
}

function resourceVersionOf(body: Buffer): number | undefined {
  try {
    const rv = Number(
      (JSON.parse(body.toString('utf8')) as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion,
    );
    return Number.isFinite(rv) && rv > 0 ? rv : undefined;
  } catch {
    return undefined;
  }
}

async function caughtUp(cache: WatchCache, rv: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (cache.committedResourceVersion < rv && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}
