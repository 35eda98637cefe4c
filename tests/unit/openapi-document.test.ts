import { describe, expect, it } from 'vitest';
import { RESOURCE_TYPES } from '@/lib/apimachinery/registry.ts';
import { definitionName } from '@/lib/apimachinery/schema.ts';
import { openApiDocument, openApiRoot } from '@/lib/apiserver/openapi/document.ts';

const REF_PREFIX = '#/components/schemas/';

function refsIn(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsIn(item, into);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      // (JSONSchemaProps, in the CRD's document, also has a property named $ref: that is a schema, not a reference.)
      if (key === '$ref' && typeof value === 'string') into.push(value);
      else refsIn(value, into);
    }
  }
  return into;
}

const served = () =>
  Object.entries(openApiRoot().paths).map(([path, { serverRelativeURL }]) => {
    const doc = openApiDocument(path);
    if (!doc) throw new Error(`no document behind ${path}`);
    return { path, url: serverRelativeURL, doc };
  });

describe('served OpenAPI v3 documents', () => {
  it('describe every field of the pod status (kubectl explain pod.status.message)', () => {
    const status = openApiDocument('api/v1')?.components.schemas['io.k8s.api.core.v1.PodStatus'];
    expect(status?.properties?.message).toMatchObject({ type: 'string' });
    expect(Object.keys(status?.properties ?? {})).toEqual(
      expect.arrayContaining([
        'conditions',
        'containerStatuses',
        'hostIP',
        'phase',
        'podIP',
        'qosClass',
        'reason',
        'startTime',
      ]),
    );
  });

  it('resolve every $ref inside the document that holds it', () => {
    for (const { path, doc } of served()) {
      const dangling = refsIn(doc).filter(
        (ref) => !ref.startsWith(REF_PREFIX) || !Object.hasOwn(doc.components.schemas, ref.slice(REF_PREFIX.length)),
      );
      expect(dangling, path).toEqual([]);
    }
  });

  it('serve each kind in its own group-version document, with the write parameters kubectl looks for', () => {
    for (const t of RESOURCE_TYPES) {
      const doc = openApiDocument(t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`);
      const definition = definitionName(t.group, t.version, t.kind) as string;
      expect(doc?.components.schemas[definition], t.kind).toBeDefined();
      const base = `/${t.group ? `apis/${t.group}` : 'api'}/${t.version}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
      const post = doc?.paths[base]?.post as { parameters: { name: string }[] };
      expect(post.parameters.map((p) => p.name)).toEqual(['dryRun', 'fieldManager', 'fieldValidation']);
      expect(JSON.stringify(doc?.paths[`${base}/{name}`]?.put)).toContain(`${REF_PREFIX}${definition}`);
    }
  });

  it('carry no definitions the document does not use, and hash each document by its content', () => {
    for (const { path, url, doc } of served()) {
      const used = new Set(refsIn(doc).map((ref) => ref.slice(REF_PREFIX.length)));
      expect(
        Object.keys(doc.components.schemas).filter((name) => !used.has(name)),
        path,
      ).toEqual([]);
      expect(url).toMatch(new RegExp(`^/openapi/v3/${path.replace(/\./g, '\\.')}\\?hash=[0-9A-F]{64}$`));
    }
    const hashes = served().map(({ url }) => url.split('hash=')[1]);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(openApiDocument('api/v1')).toBe(openApiDocument('api/v1'));
    expect(openApiDocument('apis/nothing/v1')).toBeUndefined();
  });
});
