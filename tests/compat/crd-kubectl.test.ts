import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { kubectlFor, until, type Kubectl } from '../helpers/kubectl.ts';

// CustomResourceDefinitions through kubectl 1.32, as the Kubernetes documentation's CronTab walk-through uses them,
// and kubectl's strict field validation and `replace` on built-in kinds.

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
    categories: [all]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec:
                type: string
                description: The schedule, in cron format.
              image:
                type: string
              replicas:
                type: integer
                minimum: 0
                default: 1
          status:
            type: object
            properties:
              replicas: {type: integer}
`;

const CRONTAB = (
  name: string,
  spec = 'cronSpec: "* * * * */5"\n    image: my-cron-image',
) => `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: ${name}
spec:
    ${spec}
`;

const POD = (image: string) => `apiVersion: v1
kind: Pod
metadata:
  name: replaced
  labels: {app: replaced}
spec:
  containers:
  - name: web
    image: ${image}
    ports:
    - containerPort: 80
    resources:
      requests: {cpu: 100m, memory: 64Mi}
`;

describe('kubectl and CustomResourceDefinitions', () => {
  let server: TestServer;
  let kubectl: Kubectl;
  const file = (name: string, text: string) => {
    const path = join(kubectl.home, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    server = await startServer();
    kubectl = await kubectlFor(server);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('applies a CRD and waits for it to be established', async () => {
    expect(await kubectl.run('apply', '-f', file('crd.yaml', CRD))).toBe(
      'customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n',
    );
    const waited = await kubectl.run(
      'wait',
      '--for',
      'condition=established',
      '--timeout=30s',
      'crd/crontabs.stable.example.com',
    );
    expect(waited).toBe('customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com condition met\n');
    // The applications' CRDs (lib/apps) are listed too.
    const crds = await kubectl.run('get', 'crd');
    expect(crds).toMatch(/^NAME\s+CREATED AT\n/);
    expect(crds).toMatch(/^crontabs\.stable\.example\.com\s+\d{4}-/m);
    const resources = await kubectl.run('api-resources', '--api-group=stable.example.com');
    expect(resources).toMatch(/^crontabs\s+ct\s+stable\.example\.com\/v1\s+true\s+CronTab$/m);
  });

  it('creates custom resources and prints their columns by short name, and in `get all`', async () => {
    expect(await kubectl.run('apply', '-f', file('ct.yaml', CRONTAB('my-new-cron-object')))).toBe(
      'crontab.stable.example.com/my-new-cron-object created\n',
    );
    const table = await kubectl.run('get', 'ct');
    expect(table).toMatch(/^NAME\s+SPEC\s+REPLICAS\s+AGE\n/);
    expect(table).toMatch(/^my-new-cron-object\s+\* \* \* \* \*\/5\s+1\s+\d+s$/m);
    const all = await kubectl.run('get', 'all');
    expect(all).toMatch(/^crontab\.stable\.example\.com\/my-new-cron-object\s+\* \* \* \* \*\/5\s+1\s+\d+s$/m);
    const json = JSON.parse(await kubectl.run('get', 'crontab', 'my-new-cron-object', '-o', 'json'));
    expect(json).toMatchObject({
      apiVersion: 'stable.example.com/v1',
      kind: 'CronTab',
      spec: { cronSpec: '* * * * */5', image: 'my-cron-image', replicas: 1 },
    });
    // Re-applying a changed manifest (client-side apply: a merge patch for custom resources).
    const changed = CRONTAB('my-new-cron-object', 'cronSpec: "* * * * */10"\n    image: my-cron-image');
    expect(await kubectl.run('apply', '-f', file('ct.yaml', changed))).toBe(
      'crontab.stable.example.com/my-new-cron-object configured\n',
    );
    expect(await kubectl.run('get', 'ct', 'my-new-cron-object', '-o', 'jsonpath={.spec.cronSpec}')).toBe(
      '* * * * */10',
    );
  });

  it('validates custom resources: strict unknown fields and schema values', async () => {
    const unknown = await kubectl.exec(
      'create',
      '-f',
      file('bad.yaml', CRONTAB('bad', 'cronSpec: "* * * * *"\n    imagee: typo')),
    );
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain(
      'CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.imagee"',
    );
    const negative = await kubectl.exec('create', '-f', file('neg.yaml', CRONTAB('neg', 'replicas: -1')));
    expect(negative.code).not.toBe(0);
    expect(negative.stderr).toContain('The CronTab "neg" is invalid: \n');
    expect(negative.stderr).toContain(
      '* spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0',
    );
  });

  it('explains the custom resource from its schema', async () => {
    const explained = await kubectl.run('explain', 'crontab.spec.cronSpec');
    expect(explained).toMatch(/KIND:\s+CronTab/);
    expect(explained).toMatch(/VERSION:\s+v1/);
    expect(explained).toMatch(/FIELD: cronSpec <string>/);
    expect(explained).toContain('The schedule, in cron format.');
  });

  it('scales through the scale subresource and patches with merge patches', async () => {
    expect(await kubectl.run('scale', 'ct', 'my-new-cron-object', '--replicas=3')).toBe(
      'crontab.stable.example.com/my-new-cron-object scaled\n',
    );
    expect(await kubectl.run('get', 'ct', 'my-new-cron-object', '-o', 'jsonpath={.spec.replicas}')).toBe('3');
    expect(
      await kubectl.run('patch', 'ct', 'my-new-cron-object', '--type=merge', '-p', '{"spec":{"image":"cron:2"}}'),
    ).toBe('crontab.stable.example.com/my-new-cron-object patched\n');
    const strategic = await kubectl.exec('patch', 'ct', 'my-new-cron-object', '-p', '{"spec":{"image":"cron:3"}}');
    expect(strategic.code).not.toBe(0);
    expect(strategic.stderr).toMatch(/strategic merge patch is not supported|unknown format|UnsupportedMediaType/i);
  });

  it('deleting the CRD removes its custom resources', async () => {
    await kubectl.run('apply', '-f', file('ct2.yaml', CRONTAB('second')));
    expect((await kubectl.run('get', 'ct', '-o', 'name')).trim().split('\n')).toHaveLength(2);
    expect(await kubectl.run('delete', 'crd', 'crontabs.stable.example.com')).toBe(
      'customresourcedefinition.apiextensions.k8s.io "crontabs.stable.example.com" deleted\n',
    );
    const after = await kubectl.exec('get', 'crontabs.stable.example.com');
    expect(after.code).not.toBe(0);
    expect(after.stderr).toMatch(/the server doesn't have a resource type|could not find the requested resource/);
    expect(await kubectl.run('get', 'crd', '-o', 'name')).not.toContain('crontabs.stable.example.com');
    // Re-created, it starts empty.
    await kubectl.run('apply', '-f', file('crd.yaml', CRD));
    await kubectl.run('wait', '--for', 'condition=established', '--timeout=30s', 'crd/crontabs.stable.example.com');
    await until(async () => {
      const r = await kubectl.exec('get', 'ct', '-o', 'name');
      return r.code === 0 && r.stdout === '';
    }, 'an empty crontab list');
  });

  it('replaces a pod with its unchanged manifest, and with a new image', async () => {
    expect(await kubectl.run('create', '-f', file('pod.yaml', POD('nginx:1.27')))).toBe('pod/replaced created\n');
    expect(await kubectl.run('replace', '-f', file('pod.yaml', POD('nginx:1.27')))).toBe('pod/replaced replaced\n');
    expect(await kubectl.run('replace', '-f', file('pod.yaml', POD('nginx:1.28')))).toBe('pod/replaced replaced\n');
    expect(await kubectl.run('get', 'pod', 'replaced', '-o', 'jsonpath={.spec.containers[0].image}')).toBe(
      'nginx:1.28',
    );
    const typo = await kubectl.exec(
      'create',
      '-f',
      file('typo.yaml', POD('nginx:1.27').replace('name: replaced', 'name: typo').replace('    ports:', '    portz:')),
    );
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toContain('strict decoding error: unknown field "spec.containers[0].portz"');
  });

  it('explains fields of built-in kinds', async () => {
    const explained = await kubectl.run('explain', 'pod.status.message');
    expect(explained).toMatch(/FIELD: message <string>/);
    expect(explained).toMatch(/human readable message/i);
  });
});
