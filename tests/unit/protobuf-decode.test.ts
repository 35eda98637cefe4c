import { describe, expect, it } from 'vitest';
import { isApiError } from '@/lib/apimachinery/errors.ts';
import { RESOURCE_TYPES } from '@/lib/apimachinery/registry.ts';
import { allSchemas, definitionName } from '@/lib/apimachinery/schema.ts';
import {
  decodeKubeProtobuf,
  FIELD_NUMBERS,
  MAGIC,
  messageFields,
  type FieldNumbers,
} from '@/lib/apiserver/http/protobuf.ts';

// A minimal protobuf writer, to build bodies the way Go's generated marshalers do: every non-pointer scalar is
// written even when zero, nested messages are length-delimited, maps are repeated key/value entries.
type Field = [num: number, value: number | bigint | boolean | string | Uint8Array | Field[]];

function varint(value: bigint): number[] {
  let v = BigInt.asUintN(64, value);
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? byte | 0x80 : byte);
  } while (v);
  return out;
}

function encode(fields: Field[]): Uint8Array {
  const out: number[] = [];
  for (const [num, value] of fields) {
    if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
      out.push(...varint(BigInt(num << 3)), ...varint(BigInt(value)));
      continue;
    }
    const bytes =
      typeof value === 'string' ? new TextEncoder().encode(value) : value instanceof Uint8Array ? value : encode(value);
    out.push(...varint(BigInt((num << 3) | 2)), ...varint(BigInt(bytes.length)), ...bytes);
  }
  return Uint8Array.from(out);
}

const body = (apiVersion: string, kind: string, object: Field[]) =>
  Uint8Array.from([
    ...MAGIC,
    ...encode([
      [
        1,
        [
          [1, apiVersion],
          [2, kind],
        ],
      ],
      [2, encode(object)],
      [3, ''],
      [4, ''],
    ]),
  ]);

// A map entry message: key 1, value 2.
const entry = (key: string, value: string | Field[]): Field[] => [
  [1, key],
  [2, value],
];
const zeroTime: Field[] = [];
// ObjectMeta as Go writes it for a new object: every string, the generation and the creation time, even when empty.
const meta = (name: string, extra: Field[] = []): Field[] => [
  [1, name],
  [2, ''],
  [3, ''],
  [4, ''],
  [5, ''],
  [6, ''],
  [7, 0],
  [8, zeroTime],
  ...extra,
];
const container: Field[] = [
  [1, 'nginx'],
  [2, 'nginx:1.27'],
  [5, ''],
  [
    6,
    [
      [1, ''],
      [2, 0],
      [3, 80],
      [4, 'TCP'],
      [5, ''],
    ],
  ],
  [
    8,
    [
      [
        1,
        [
          [1, 'cpu'],
          [2, [[1, '500m']]],
        ],
      ],
    ],
  ],
  [13, ''],
  [14, ''],
  [16, false],
  [17, false],
  [18, false],
  [20, ''],
];
const podSpec: Field[] = [
  [2, container],
  [3, ''],
  [6, ''],
  [8, ''],
  [9, ''],
  [10, ''],
  [11, false],
  [12, false],
  [13, false],
  [16, ''],
  [17, ''],
  [19, ''],
  [
    22,
    [
      [1, 'k'],
      [2, 'Exists'],
      [3, ''],
      [4, 'NoExecute'],
      [5, 0],
    ],
  ],
  [24, ''],
];
const deployment: Field[] = [
  [1, meta('web', [[11, entry('app', 'web')]])],
  [
    2,
    [
      [1, 2],
      [2, [[1, entry('app', 'web')]]],
      [
        3,
        [
          [1, meta('', [[11, entry('app', 'web')]])],
          [2, podSpec],
        ],
      ],
      [4, [[1, '']]],
      [5, 0],
      [7, false],
    ],
  ],
  [
    3,
    [
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
      [7, 0],
    ],
  ],
];

function rejection(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (isApiError(err)) return err;
    throw err;
  }
  throw new Error('expected the body to be rejected');
}

describe('protobuf bodies', () => {
  it("round-trips what kubectl's typed create commands send, as before", () => {
    expect(
      decodeKubeProtobuf(
        body('v1', 'Namespace', [
          [1, meta('team')],
          [2, []],
        ]),
      ),
    ).toMatchObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team' },
    });
    expect(decodeKubeProtobuf(body('apps/v1', 'Deployment', deployment))).toMatchObject({
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
          },
        },
      },
    });
    const service = body('v1', 'Service', [
      [1, meta('web')],
      [
        2,
        [
          [
            1,
            [
              [3, 80],
              [4, [[2, 8080]]],
            ],
          ],
          [4, 'ClusterIP'],
        ],
      ],
    ]);
    expect(decodeKubeProtobuf(service)).toMatchObject({
      spec: { type: 'ClusterIP', ports: [{ port: 80, targetPort: 8080 }] },
    });
    expect(
      decodeKubeProtobuf(
        body('v1', 'ConfigMap', [
          [1, meta('cfg')],
          [2, entry('mode', 'fast')],
        ]),
      ),
    ).toMatchObject({
      data: { mode: 'fast' },
    });
  });

  it('decodes a deployment as kubectl sends it, keeping zeros only where Go means them', () => {
    expect(decodeKubeProtobuf(body('apps/v1', 'Deployment', deployment))).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'nginx',
                image: 'nginx:1.27',
                // containerPort is required (no omitempty): Go's JSON keeps it even at 0, so the decoder does too.
                ports: [{ containerPort: 80, protocol: 'TCP' }],
                resources: { limits: { cpu: '500m' } },
              },
            ],
            // tolerationSeconds is a pointer: an explicit 0 is a value.
            tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }],
          },
        },
        strategy: {},
      },
      // ReplicaSet-style required counters stay; DeploymentStatus has none.
      status: {},
    });
  });

  it('decodes services, config maps, namespaces and priority classes', () => {
    const service = decodeKubeProtobuf(
      body('v1', 'Service', [
        [1, meta('web')],
        [
          2,
          [
            [
              1,
              [
                [1, ''],
                [2, 'TCP'],
                [3, 80],
                [
                  4,
                  [
                    [1, 0],
                    [2, 8080],
                    [3, ''],
                  ],
                ],
                [5, 0],
              ],
            ],
            [
              1,
              [
                [1, 'named'],
                [2, 'TCP'],
                [3, 81],
                [
                  4,
                  [
                    [1, 1],
                    [2, 0],
                    [3, 'http'],
                  ],
                ],
                [5, 0],
              ],
            ],
            [2, entry('app', 'web')],
            [3, ''],
            [4, 'ClusterIP'],
            [7, ''],
          ],
        ],
        [3, [[1, []]]],
      ]),
    );
    expect(service).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: {
        ports: [
          { protocol: 'TCP', port: 80, targetPort: 8080 },
          { name: 'named', protocol: 'TCP', port: 81, targetPort: 'http' },
        ],
        selector: { app: 'web' },
        type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    });
    const configMap = decodeKubeProtobuf(
      body('v1', 'ConfigMap', [
        [1, meta('cfg')],
        [2, entry('mode', 'fast')],
        [
          3,
          [
            [1, 'blob'],
            [2, Uint8Array.of(0, 255)],
          ],
        ],
      ]),
    );
    expect(configMap).toMatchObject({ data: { mode: 'fast' }, binaryData: { blob: 'AP8=' } });
    expect(
      decodeKubeProtobuf(
        body('v1', 'Namespace', [
          [1, meta('team')],
          [2, []],
          [3, [[1, '']]],
        ]),
      ),
    ).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team' },
      spec: {},
      status: {},
    });
    const priorityClass = decodeKubeProtobuf(
      body('scheduling.k8s.io/v1', 'PriorityClass', [
        [1, meta('low')],
        [2, 0],
        [3, false],
        [4, 'fallback'],
        [5, 'Never'],
      ]),
    );
    expect(priorityClass).toMatchObject({ value: 0, description: 'fallback', preemptionPolicy: 'Never' });
    expect(priorityClass).not.toHaveProperty('globalDefault');
    const labels = decodeKubeProtobuf(body('v1', 'ConfigMap', [[1, meta('cfg', [[11, entry('__proto__', 'x')]])]]));
    expect(Object.getPrototypeOf((labels.metadata as { labels: object }).labels)).toBe(Object.prototype);
    expect(JSON.stringify(labels.metadata)).toBe('{"name":"cfg","labels":{"__proto__":"x"}}');
  });

  it('decodes negative numbers, times and the fields the old tables lacked', () => {
    const pod = decodeKubeProtobuf(
      body('v1', 'Pod', [
        [
          1,
          meta('p', [
            [8, [[1, 1_700_000_000]]],
            [10, 30],
          ]),
        ],
        [
          2,
          [
            [
              2,
              [
                ...container,
                [
                  10,
                  [
                    [1, [[1, [[1, 'true']]]]],
                    [2, 5],
                    [6, 3],
                  ],
                ],
              ],
            ],
            [14, [[2, -1n]]],
            [
              1,
              [
                [1, 'data'],
                [2, [[2, [[1, 'Memory']]]]],
              ],
            ],
          ],
        ],
      ]),
    );
    expect(pod).toMatchObject({
      metadata: { name: 'p', creationTimestamp: '2023-11-14T22:13:20Z', deletionGracePeriodSeconds: 30 },
      spec: {
        containers: [{ livenessProbe: { exec: { command: ['true'] }, initialDelaySeconds: 5, failureThreshold: 3 } }],
        securityContext: { runAsUser: -1 },
        volumes: [{ name: 'data', emptyDir: { medium: 'Memory' } }],
      },
    });
  });

  it('rejects an unknown field number with 415, naming the message type, the number and where it was', () => {
    const withUnknown: Field[] = [...deployment];
    withUnknown[1] = [2, [[3, [[2, [[2, [...container, [99, 'x']]]]]]]]];
    const err = rejection(() => decodeKubeProtobuf(body('apps/v1', 'Deployment', withUnknown)));
    expect(err.code).toBe(415);
    expect(err.reason).toBe('UnsupportedMediaType');
    expect(err.message).toContain('field number 99 of io.k8s.api.core.v1.Container');
    expect(err.message).toContain('spec.template.spec.containers[0]');

    // A field newer than the 1.27 schema (Container.restartPolicy, 1.28) is refused the same way.
    const sidecar = rejection(() =>
      decodeKubeProtobuf(body('v1', 'Pod', [[2, [[20, [...container, [24, 'Always']]]]]])),
    );
    expect(sidecar.message).toContain('field number 24 of io.k8s.api.core.v1.Container (at spec.initContainers[0])');
    const inQuantity = rejection(() =>
      decodeKubeProtobuf(body('v1', 'Pod', [[2, [[2, [[8, [[1, entry('cpu', [[2, 'x']])]]]]]]]])),
    );
    expect(inQuantity.message).toContain('field number 2 of io.k8s.apimachinery.pkg.api.resource.Quantity');
  });

  it('answers malformed bodies and unsupported kinds as before', () => {
    expect(rejection(() => decodeKubeProtobuf(Uint8Array.of(1, 2, 3))).code).toBe(400);
    expect(rejection(() => decodeKubeProtobuf(body('v1', 'PersistentVolume', [[1, meta('s')]]))).code).toBe(415);
    // Secrets are served: their []byte data arrives as raw bytes and is read as base64, stringData as strings.
    expect(
      decodeKubeProtobuf(
        body('v1', 'Secret', [
          [1, meta('s')],
          [2, entry('k', [])],
          [
            2,
            [
              [1, 'bin'],
              [2, Uint8Array.of(0, 255)],
            ],
          ],
          [3, 'Opaque'],
          [4, entry('plain', 'text')],
        ]),
      ),
    ).toMatchObject({ data: { k: '', bin: 'AP8=' }, type: 'Opaque', stringData: { plain: 'text' } });
    const truncated = body('v1', 'Namespace', [[1, meta('team')]]).subarray(0, -5);
    expect(rejection(() => decodeKubeProtobuf(truncated)).code).toBe(400);
    const wrongWire = rejection(() => decodeKubeProtobuf(body('v1', 'Namespace', [[1, [[1, 5]]]])));
    expect(wrongWire.code).toBe(400);
  });
});

describe('protobuf field numbers', () => {
  const schemas = allSchemas();

  it('name only fields that exist in their schema definition', () => {
    const missing: string[] = [];
    const check = (definition: string, table: FieldNumbers) => {
      for (const [num, entry] of Object.entries(table)) {
        if (typeof entry === 'object') check(definition, entry);
        else if (!Object.hasOwn(schemas[definition]?.properties ?? {}, entry.replace(/^\*/, ''))) {
          missing.push(`${definition} ${num}: ${entry}`);
        }
      }
    };
    for (const [definition, table] of Object.entries(FIELD_NUMBERS)) check(definition, table);
    expect(missing).toEqual([]);
  });

  it('give every numbered field a protobuf type, and every message a table, for every served kind', () => {
    const seen = new Set<string>();
    // CustomResourceDefinitions are written as JSON (kubectl applies them so; docs/api.md says it).
    const pending = RESOURCE_TYPES.filter((t) => t.kind !== 'CustomResourceDefinition').map(
      (t) => definitionName(t.group, t.version, t.kind) ?? `no definition for ${t.kind}`,
    );
    const untabled: string[] = [];
    while (pending.length) {
      const definition = pending.pop() as string;
      if (seen.has(definition)) continue;
      seen.add(definition);
      const fields = messageFields(definition);
      if (!fields) {
        untabled.push(definition);
        continue;
      }
      for (const plan of fields) if ('message' in plan.value) pending.push(plan.value.message);
    }
    expect(untabled).toEqual([]);
  });

  it('number every field of the definitions they cover, but apiVersion and kind', () => {
    const unnumbered: string[] = [];
    for (const definition of Object.keys(FIELD_NUMBERS)) {
      const names = new Set((messageFields(definition) ?? []).map((plan) => plan.name));
      for (const name of Object.keys(schemas[definition].properties ?? {})) {
        if (name !== 'apiVersion' && name !== 'kind' && !names.has(name)) unnumbered.push(`${definition}.${name}`);
      }
    }
    expect(unnumbered).toEqual([]);
  });
});
