/** The origin the client used (server.ts vouches for x-forwarded-proto; Host is what the client dialled). */
export function requestOrigin(req: Request): string {
  const proto = req.headers.get('x-forwarded-proto') === 'https' ? 'https' : 'http';
  const host = req.headers.get('host') ?? new URL(req.url).host;
  return `${proto}://${host}`;
}
