// The Kubernetes remote-command protocol over WebSocket (k8s.io/apimachinery/pkg/util/remotecommand), as
// `kubectl exec` (v5.channel.k8s.io) and @kubernetes/client-node (v4.channel.k8s.io) speak it: every binary
// message starts with its channel — 0 stdin, 1 stdout, 2 stderr, 3 error (a metav1.Status when the command ends),
// 4 resize ({"Width","Height"}) — and v5 adds [255, channel]: the client closed that stream (stdin's EOF).

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

/** The first protocol the client offers that is served, in the client's order of preference. */
export function pickProtocol(offered: Iterable<string>): string | undefined {
  for (const protocol of offered) if ((EXEC_PROTOCOLS as readonly string[]).includes(protocol)) return protocol;
  return undefined;
}

/** One message on `channel`. */
export function frame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([Buffer.from([channel]), body]);
}

/** The error channel's last word: Success, or the exit code as kubelet reports it (kubectl exits with it). */
export function exitStatus(code: number): string {
  if (code === 0) return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });
}

export type ClientMessage =
  | { kind: 'stdin'; data: Buffer }
  | { kind: 'resize'; width: number; height: number }
  | { kind: 'close'; channel: number }
  | { kind: 'ignored' };

/** What a client's message means; malformed resizes and unknown channels are ignored, as kubelet does. */
export function parseClientMessage(message: Buffer): ClientMessage {
  if (!message.length) return { kind: 'ignored' };
  const payload = message.subarray(1);
  switch (message[0]) {
    case STDIN:
      return { kind: 'stdin', data: payload };
    case RESIZE: {
      try {
        const size = JSON.parse(payload.toString('utf8')) as { Width?: unknown; Height?: unknown };
        const width = Number(size.Width);
        const height = Number(size.Height);
        if (Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)
          return { kind: 'resize', width, height };
      } catch {
        // a resize that is not JSON changes nothing
      }
      return { kind: 'ignored' };
    }
    case CLOSE:
      return payload.length ? { kind: 'close', channel: payload[0] } : { kind: 'ignored' };
    default:
      return { kind: 'ignored' };
  }
}
