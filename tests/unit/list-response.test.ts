import { describe, expect, it } from 'vitest';
import { listResponse } from '../../lib/apiserver/http/list-response.ts';

// Issue #22: a LIST of many objects is serialised in slices (a turn of the event loop between them); the bytes must
// be those of the whole list's JSON.stringify.

const pod = (i: number) => ({
  metadata: { name: `pod-${i}`, namespace: i % 2 ? 'a' : 'a-b', labels: { app: 'x', n: String(i) } },
  spec: { containers: [{ name: 'c', image: 'nginx', args: [undefined, 'é"\\\n'] }] },
  status: i % 3 ? undefined : { phase: 'Pending' },
});

describe('listResponse', () => {
  it.each([0, 1, 100, 101, 250, 1001])('writes %i items as the whole list JSON.stringify gives', async (count) => {
    const head = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '42', continue: 'x' } };
    const items = Array.from({ length: count }, (_, i) => pod(i));
    const response = listResponse(head, items);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe(JSON.stringify({ ...head, items }));
  });
});
