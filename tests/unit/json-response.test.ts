import { describe, expect, it } from 'vitest';
import { jsonResponse, jsonText, toFetchResponse } from '@/lib/apimachinery/json-response.ts';

// A jsonResponse is read as a fetch Response would be (the audit trail clones it, autoscaling/v1 reads its JSON,
// the decoder adds Warning headers), and becomes one for Next's route handlers.

describe('jsonResponse', () => {
  it('answers like Response.json: status, ok, content type, text and JSON once', async () => {
    const answer = jsonResponse({ kind: 'Pod', note: 'naïve ✓' }, 201);
    expect([answer.status, answer.ok, answer.bodyUsed]).toEqual([201, true, false]);
    expect(answer.headers.get('Content-Type')).toBe('application/json');
    expect(jsonResponse({}, 404).ok).toBe(false);
    const copy = answer.clone();
    expect(await answer.json()).toEqual({ kind: 'Pod', note: 'naïve ✓' });
    expect(answer.bodyUsed).toBe(true);
    expect(jsonText(answer)).toBeUndefined();
    await expect(answer.text()).rejects.toThrow(TypeError);
    expect(() => answer.clone()).toThrow(TypeError);
    expect(await copy.text()).toBe('{"kind":"Pod","note":"naïve ✓"}');
  });

  it('joins repeated headers as fetch does, and a clone keeps them apart from the original', () => {
    const answer = jsonResponse([]);
    answer.headers.append('Warning', '299 - "a"');
    const copy = answer.clone();
    answer.headers.append('warning', '299 - "b"');
    expect(answer.headers.get('warning')).toBe('299 - "a", 299 - "b"');
    expect(copy.headers.get('warning')).toBe('299 - "a"');
    const seen: [string, string][] = [];
    answer.headers.forEach((value, name) => seen.push([name, value]));
    expect(seen).toEqual([
      ['content-type', 'application/json'],
      ['warning', '299 - "a", 299 - "b"'],
    ]);
    expect(answer.headers.getSetCookie()).toEqual([]);
  });

  it('becomes a fetch Response with the same status, headers and body', async () => {
    const answer = jsonResponse({ a: 1 }, 201);
    answer.headers.append('Warning', '299 - "x"');
    const response = toFetchResponse(answer);
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('warning')).toBe('299 - "x"');
    expect(await response.json()).toEqual({ a: 1 });
    const fetched = new Response('x');
    expect(toFetchResponse(fetched)).toBe(fetched);
    const read = jsonResponse({ b: 2 });
    expect(await new Response(read.body).json()).toEqual({ b: 2 });
    expect(read.bodyUsed).toBe(true);
  });
});
