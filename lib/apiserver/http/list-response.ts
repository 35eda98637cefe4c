import { jsonResponse, type ApiResponse } from '../../apimachinery/json-response.ts';

// A LIST answer of many objects, serialised a slice at a time with a turn of the event loop between slices:
// JSON.stringify of 10,000 pods in one go held the event loop for tens of ms, every request queued behind it.
// The bytes are jsonResponse's (the head's members, then "items"); the items are the list's snapshot (stored
// objects are never changed in place), so serialising them over several turns still gives that one version.

/** Items per slice: a few ms of JSON.stringify for pods. */
const SLICE = 100;

export function listResponse(head: Record<string, unknown>, items: readonly unknown[], status = 200): ApiResponse {
  if (items.length <= SLICE) return jsonResponse({ ...head, items }, status);
  const encoder = new TextEncoder();
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (next > 0) await new Promise((resolve) => setImmediate(resolve));
      const slice = items.slice(next, next + SLICE);
      // An array's JSON without its brackets: the same text as those items inside the whole array's.
      const body = JSON.stringify(slice).slice(1, -1);
      const text = next === 0 ? `${JSON.stringify(head).slice(0, -1)},"items":[${body}` : `,${body}`;
      next += slice.length;
      if (next < items.length) controller.enqueue(encoder.encode(text));
      else {
        controller.enqueue(encoder.encode(`${text}]}`));
        controller.close();
      }
    },
  });
  return new Response(stream, { status, headers: { 'content-type': 'application/json' } });
}
