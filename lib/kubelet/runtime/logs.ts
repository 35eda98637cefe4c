import { parseReference } from './image.ts';
import { draw } from './random.ts';

// Container logs, generated rather than stored: a run's lines are its events
// (start, probe failures, SIGTERM, exit) plus a periodic line every few
// seconds whose text depends only on the image, the run and the line's
// number. A container costs a few bytes however long it runs, and `--tail`,
// `--since` and `-f` read the same lines.

export const LOG_PERIOD_MS = 5000;
export const MAX_LOG_LINES = 10_000;

export interface LogLine {
  at: number;
  text: string;
}

export interface LogRun {
  /** Seeds the periodic lines (pod key, container, run number). */
  id: string;
  image: string;
  startedAt: number;
  /** When the process stopped; absent while it runs. */
  endedAt?: number;
  events: LogLine[];
  /** Run by an executor: its log is what it wrote, with no generated lines. */
  executed?: boolean;
}

const PATHS = ['/', '/healthz', '/api/items', '/api/orders', '/static/app.js', '/login', '/api/users/42'];
const STATUS = [200, 200, 200, 200, 200, 201, 204, 304, 404, 500];

function periodicText(run: LogRun, n: number, at: number): string {
  const r = (salt: string) => draw(7, run.id, n, salt);
  const pick = <T>(xs: T[], salt: string) => xs[Math.floor(r(salt) * xs.length)];
  const base = parseReference(run.image).repository.split('/').at(-1) ?? '';
  const when = new Date(at);
  switch (base) {
    case 'nginx':
    case 'httpd': {
      const status = pick(STATUS, 's');
      return `10.${128 + Math.floor(r('a') * 8)}.${Math.floor(r('b') * 255)}.${1 + Math.floor(r('c') * 250)} - - [${when.toUTCString()}] "GET ${pick(PATHS, 'p')} HTTP/1.1" ${status} ${Math.floor(r('z') * 9000)} "-" "Mozilla/5.0"`;
    }
    case 'redis':
      return `1:M ${when.toUTCString()} * ${1 + Math.floor(r('k') * 500)} changes in 60 seconds. Saving... Background saving terminated with success`;
    case 'postgres':
    case 'mysql':
      return `${when.toISOString()} LOG:  checkpoint complete: wrote ${Math.floor(r('b') * 400)} buffers (${(r('p') * 3).toFixed(1)}%); write=${(r('w') * 2).toFixed(3)} s`;
    case 'busybox':
    case 'alpine':
    case 'ubuntu':
    case 'debian':
      return `heartbeat ${n}: uptime ${Math.round((at - run.startedAt) / 1000)}s`;
    default:
      return JSON.stringify({
        level: r('l') < 0.9 ? 'info' : 'warn',
        msg: 'handled request',
        method: pick(['GET', 'GET', 'POST', 'PUT'], 'm'),
        path: pick(PATHS, 'p'),
        status: pick(STATUS, 's'),
        ms: 1 + Math.floor(r('t') * 120),
      });
  }
}

/** The run's lines from `since` (exclusive) up to `until` or now, oldest first, at most `limit` (the newest). */
export function logLines(run: LogRun, options: { since?: number; limit?: number; now?: number } = {}): LogLine[] {
  const end = run.endedAt ?? options.now ?? Date.now();
  const since = options.since ?? -Infinity;
  const limit = Math.min(options.limit ?? MAX_LOG_LINES, MAX_LOG_LINES);
  const total = run.executed ? 0 : Math.floor((end - run.startedAt) / LOG_PERIOD_MS);
  const first = Math.max(1, total - limit + 1, Math.floor((since - run.startedAt) / LOG_PERIOD_MS) + 1);
  const lines: LogLine[] = [];
  for (let n = first; n <= total; n++) {
    const at = run.startedAt + n * LOG_PERIOD_MS;
    if (at > since && at < end) lines.push({ at, text: periodicText(run, n, at) });
  }
  for (const e of run.events) if (e.at > since && e.at <= end) lines.push(e);
  lines.sort((a, b) => a.at - b.at);
  return lines.slice(-limit);
}

export function formatLines(lines: LogLine[], timestamps: boolean): string {
  return lines.map((l) => (timestamps ? `${new Date(l.at).toISOString()} ${l.text}\n` : `${l.text}\n`)).join('');
}
