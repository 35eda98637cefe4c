import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { cursorContext } from '@/components/yaml-editor/cursor-path.ts';
import { lintYaml } from '@/components/yaml-editor/lint.ts';
import { kindSchema, openApiPath, schemaAt, type OpenApiDoc } from '@/components/yaml-editor/schema.ts';
import { placeCauses } from '@/components/yaml-editor/status-causes.ts';
import { formValuesOf, overlay } from '@/components/deployments/form-yaml.ts';
import { openApiDocument } from '@/lib/apiserver/openapi/document.ts';

const at = (text: string) => cursorContext(text.replace('|', ''), text.indexOf('|'));

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicaz: 2
  template:
    spec:
      containers:
      - name: web
        image: nginx
        imagePullPolicy: 3
`;

describe('cursor path', () => {
  it('finds the mapping a key is typed in, through sequences written flush with their key', () => {
    expect(at('spec:\n  template:\n    spec:\n      containers:\n      - name: a\n        im|')).toEqual({
      at: 'key',
      path: ['spec', 'template', 'spec', 'containers', 0],
      prefix: 'im',
      from: expect.any(Number),
    });
    expect(at('spec:\n  replicas: 1\n  |')).toMatchObject({ at: 'key', path: ['spec'], prefix: '' });
    expect(at('|')).toMatchObject({ at: 'key', path: [], prefix: '' });
    expect(at('spec:\n  containers:\n    - na|')).toMatchObject({ path: ['spec', 'containers', 0], prefix: 'na' });
  });

  it('finds the key a value is typed for', () => {
    expect(at('spec:\n  containers:\n  - name: a\n    imagePullPolicy: If|')).toMatchObject({
      at: 'value',
      path: ['spec', 'containers', 0, 'imagePullPolicy'],
      prefix: 'If',
    });
  });

  it('ignores siblings with values and deeper lines above', () => {
    expect(at('metadata:\n  labels:\n    app: x\n  name: y\nspec:\n  sel|')).toMatchObject({ path: ['spec'] });
    expect(at('a:\n  b:\n    c: 1\n  |')).toMatchObject({ path: ['a'] });
  });

  it('says nothing in comments or flow collections', () => {
    expect(at('# spec|')).toBeUndefined();
    expect(at('labels: {a|')).toBeUndefined();
  });
});

describe('schema lookup', () => {
  const doc = openApiDocument('apis/apps/v1') as OpenApiDoc;

  it('maps apiVersions to their documents', () => {
    expect(openApiPath('apps/v1')).toBe('apis/apps/v1');
    expect(openApiPath('v1')).toBe('api/v1');
    expect(openApiPath('../x')).toBeUndefined();
  });

  it('finds a kind by its group-version-kind and follows refs, items and maps', () => {
    const root = kindSchema(doc, 'apps/v1', 'Deployment');
    expect(root?.description).toMatch(/Deployment/);
    expect(schemaAt(doc, root, ['spec', 'replicas'])?.type).toBe('integer');
    expect(schemaAt(doc, root, ['spec', 'template', 'spec', 'containers', 0, 'image'])?.type).toBe('string');
    expect(schemaAt(doc, root, ['metadata', 'labels', 'anything'])?.type).toBe('string');
    expect(schemaAt(doc, root, ['spec', 'replicaz'])).toBeUndefined();
  });

  it('lints unknown fields and wrong types at their text', () => {
    const findings = lintYaml(DEPLOYMENT, doc);
    expect(findings.map((f) => f.message)).toEqual([
      'unknown field "spec.replicaz"',
      'spec.template.spec.containers[0].imagePullPolicy: expected string, got number',
    ]);
    expect(DEPLOYMENT.slice(findings[0].from, findings[0].to)).toBe('replicaz');
    expect(lintYaml('a: [', doc)[0].severity).toBe('error');
    // Quantities and int-or-string values may be numbers.
    const ok = DEPLOYMENT.replace('replicaz', 'replicas').replace(
      'imagePullPolicy: 3',
      'resources: {limits: {cpu: 1}}',
    );
    expect(lintYaml(ok, doc)).toEqual([]);
  });
});

describe('status causes at their lines', () => {
  it('places causes and the unknown fields of a strict decoding error', () => {
    const message =
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz"';
    const placed = placeCauses(DEPLOYMENT, message, {
      details: { causes: [{ field: 'spec.template.spec.containers[0].image', message: 'Required value' }] },
    });
    expect(placed.map((c) => [c.field, c.at?.line, c.at?.exact])).toEqual([
      ['spec.template.spec.containers[0].image', 11, true],
      ['spec.replicaz', 6, true],
    ]);
  });
});

describe('form ↔ YAML', () => {
  // What deploymentObject makes of the form: the labels object shared by metadata and the template.
  const generated = (replicas: number, requests: Record<string, string>) => {
    const labels = { app: 'web', tier: 'front' };
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', labels },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels, annotations: { 'entroos.io/cpu': '50m' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests } }] },
        },
      },
    };
  };

  it('writes YAML without anchors', () => {
    expect(stringify(generated(2, {}), { aliasDuplicateObjects: false })).not.toMatch(/[&*]a\d/);
  });

  it('reads the form back from YAML and keeps what the form has no field for', () => {
    const edited = parse(stringify(generated(2, { cpu: '100m' }), { aliasDuplicateObjects: false }));
    edited.spec.replicas = 5;
    edited.spec.template.spec.containers[0].ports = [{ containerPort: 80 }];
    edited.spec.template.metadata.annotations.note = 'kept';
    edited.spec.template.metadata.annotations['entroos.io/pattern'] = 'spiky';
    const read = formValuesOf(edited);
    if (typeof read === 'string') throw new Error(read);
    expect(read.kind).toBe('Deployment');
    expect(read.values).toMatchObject({
      name: 'web',
      replicas: '5',
      labels: 'tier=front',
      requestsCpu: '100m',
      'w-cpu': '50m',
      'w-pattern': 'spiky',
    });
    const again = overlay(edited, generated(5, {})) as typeof edited;
    expect(again.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80 }]);
    expect(again.spec.template.spec.containers[0].resources).toEqual({ requests: {} });
    // The form's workload annotations are the form's (pattern emptied there is gone); others stay.
    expect(again.spec.template.metadata.annotations).toEqual({ note: 'kept', 'entroos.io/cpu': '50m' });
    expect(formValuesOf({ kind: 'ConfigMap' })).toMatch(/ConfigMap/);
  });
});
