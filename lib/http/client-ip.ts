// server.ts replaces any client-sent value of this header with the socket's
// remote address, so it can be trusted for rate limiting.
export const CLIENT_IP_HEADER = 'x-entroos-client-ip';

type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined;

export function clientIp(headers: HeaderSource): string | undefined {
  if (!headers) return undefined;
  const value = headers instanceof Headers ? headers.get(CLIENT_IP_HEADER) : headers[CLIENT_IP_HEADER];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}
