// Reads a newline-delimited JSON stream (a Kubernetes watch) and calls
// `onValue` for each value until the stream ends or `onValue` returns false.
// Blank lines (which the server sends to open a quiet watch) are skipped.
// `T` is what the caller expects each line to hold: the values are parsed
// JSON, not checked against it.

export async function readNdjson<T = unknown>(
  body: ReadableStream<Uint8Array>,
  onValue: (value: T) => unknown,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i).trim();
        buffer = buffer.slice(i + 1);
        if (line && onValue(JSON.parse(line) as T) === false) return;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
