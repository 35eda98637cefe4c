// JSON answers whose encoded text the HTTP edge can write as it is. server.ts serves the Kubernetes API from Node's
// http server through fetch-style handlers; reading each small answer back out of its web stream (a reader, a read
// per chunk, a chunked response) was about a seventh of a GET's CPU.

const texts = new WeakMap<Response, string>();

/** `Response.json(body, { status })`, with its text kept for `jsonText`. */
export function jsonResponse(body: unknown, status = 200): Response {
  const text = JSON.stringify(body);
  const response = new Response(text, { status, headers: { 'content-type': 'application/json' } });
  texts.set(response, text);
  return response;
}

/** The text a `jsonResponse` was made with, while its body has not been read. */
export function jsonText(response: Response): string | undefined {
  return response.bodyUsed ? undefined : texts.get(response);
}
