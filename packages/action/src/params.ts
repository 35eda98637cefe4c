/** The `params` input: one NAME=VALUE per line (blank lines ignored); anything else is refused by name. */
export function parseParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line) continue;
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`params: "${line}" is not NAME=VALUE`);
    params[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return params;
}
