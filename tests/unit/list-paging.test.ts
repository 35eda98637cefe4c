import { describe, expect, it } from 'vitest';
import { ObjectApi, type ListOptions, type ListResult } from '../../lib/apiserver/object-api.ts';
import { WatchCache } from '../../lib/store/watch-cache.ts';
import { typeByKey, type ResourceType } from '../../lib/apimachinery/registry.ts';
import { fieldSelector, labelSelector } from '../../lib/apimachinery/selectors.ts';
import type { KubeObject } from '../../lib/apimachinery/meta.ts';

// Issue #22: a list reads only its page's objects (keys, not objects, for the rest). The pages, counts and
// continue tokens must be what the list gave when it filtered every object and then sliced: compared here with
// that algorithm over random pods, namespaces (`a` and `a-b` order differently as keys and as strings), selectors,
// limits and continued lists.

const PODS = typeByKey('pods');
const NAMESPACES = ['a', 'a-b', 'b', 'default'];

/** The list as it was: every object, filtered, then the page cut out. */
function reference(api: ObjectApi, t: ResourceType, namespace: string | undefined, options: ListOptions): ListResult {
  const labels = labelSelector(options.labelSelector);
  const fields = fieldSelector(t.plural, options.fieldSelector);
  const listed = api.cache.list(t.key, t.namespaced ? namespace : undefined);
  let items = listed.items;
  if (options.labelSelector || options.fieldSelector)
    items = items.filter((o) => labels(o.metadata.labels as Record<string, string>) && fields(o));
  let start = 0;
  let listRv = listed.resourceVersion;
  if (options.continue) {
    const token = JSON.parse(Buffer.from(options.continue, 'base64url').toString()) as { rv: number; after: string };
    listRv = token.rv;
    start = items.findIndex((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > token.after);
    if (start < 0) start = items.length;
  }
  const limit = options.limit && options.limit > 0 ? options.limit : undefined;
  if (!limit) return { items: items.slice(start), resourceVersion: String(listRv) };
  const page = items.slice(start, start + limit);
  const remaining = items.length - start - page.length;
  if (remaining <= 0) return { items: page, resourceVersion: String(listRv) };
  const last = page[page.length - 1];
  const after = `${last.metadata.namespace ?? ''}/${last.metadata.name}`;
  return {
    items: page,
    resourceVersion: String(listRv),
    continue: Buffer.from(JSON.stringify({ rv: listRv, after })).toString('base64url'),
    remainingItemCount: remaining,
  };
}

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

async function cluster(seed: number) {
  const rnd = random(seed);
  const api = new ObjectApi(
    new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 1000, persist: async () => {} }),
  );
  for (const name of NAMESPACES) await api.create(typeByKey('namespaces'), undefined, { metadata: { name } });
  const names: [string, string][] = [];
  for (let i = 0; i < 60; i++) {
    const namespace = NAMESPACES[Math.floor(rnd() * NAMESPACES.length)];
    const name = `p${Math.floor(rnd() * 1000)}-${i}`;
    names.push([namespace, name]);
    await api.create(PODS, namespace, {
      metadata: { name, labels: { app: rnd() < 0.5 ? 'x' : 'y' } },
      spec: { containers: [{ name: 'c', image: 'busybox' }], ...(rnd() < 0.3 ? { nodeName: 'n1' } : {}) },
    });
    // Deletions between lists: the cache's kept order then has keys removed as well as added.
    if (rnd() < 0.2) {
      const [ns, victim] = names.splice(Math.floor(rnd() * names.length), 1)[0];
      await api.remove(PODS, api.get(PODS, ns, victim));
    }
    if (rnd() < 0.1) api.list(PODS, undefined);
  }
  return { api, rnd };
}

const comparable = (r: ListResult) => ({
  names: r.items.map((o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`),
  resourceVersion: r.resourceVersion,
  remainingItemCount: r.remainingItemCount,
  continue: r.continue,
});

describe('list pages', () => {
  it('are the pages of the filtered list, with the same counts and continue tokens', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { api, rnd } = await cluster(seed);
      for (let round = 0; round < 20; round++) {
        const namespace = rnd() < 0.4 ? NAMESPACES[Math.floor(rnd() * NAMESPACES.length)] : undefined;
        const options: ListOptions = {
          labelSelector: rnd() < 0.4 ? 'app=x' : undefined,
          fieldSelector: rnd() < 0.3 ? 'spec.nodeName=n1' : undefined,
          limit: rnd() < 0.8 ? 1 + Math.floor(rnd() * 10) : undefined,
        };
        // Walk every page; the token of each page continues both lists.
        for (let page = 0; page < 100; page++) {
          const got = api.list(PODS, namespace, options);
          expect(comparable(got), `seed ${seed}, round ${round}, page ${page}`).toEqual(
            comparable(reference(api, PODS, namespace, options)),
          );
          if (!got.continue) break;
          options.continue = got.continue;
        }
      }
    }
  });
});
