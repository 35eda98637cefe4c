import { badRequest, ApiError } from '../../apimachinery/errors.ts';

// kubectl's typed clients (`kubectl create namespace|deployment|service|configmap`)
// send Kubernetes protobuf: "k8s\0" + runtime.Unknown{typeMeta, raw}. This
// decodes the fields of the kinds EntroOS serves into the JSON form. Field
// numbers follow k8s.io/api's generated.proto; unknown fields are skipped.

type Scalar = 'string' | 'int' | 'bool' | 'bytes' | 'quantity' | 'intstr' | 'time';
type FieldType = Scalar | Message | { map: Scalar };
interface Field {
  name: string;
  type: FieldType;
  repeated?: boolean;
}
type Message = { [num: number]: Field };

const f = (name: string, type: FieldType, repeated = false): Field => ({ name, type, repeated });

const TYPE_META: Message = { 1: f('apiVersion', 'string'), 2: f('kind', 'string') };
const UNKNOWN: Message = { 1: f('typeMeta', TYPE_META), 2: f('raw', 'bytes'), 3: f('contentEncoding', 'string'), 4: f('contentType', 'string') };
const OWNER_REF: Message = { 1: f('kind', 'string'), 3: f('name', 'string'), 4: f('uid', 'string'), 5: f('apiVersion', 'string'), 6: f('controller', 'bool'), 7: f('blockOwnerDeletion', 'bool') };
const OBJECT_META: Message = {
  1: f('name', 'string'),
  2: f('generateName', 'string'),
  3: f('namespace', 'string'),
  5: f('uid', 'string'),
  6: f('resourceVersion', 'string'),
  7: f('generation', 'int'),
  8: f('creationTimestamp', 'time'),
  11: f('labels', { map: 'string' }),
  12: f('annotations', { map: 'string' }),
  13: f('ownerReferences', OWNER_REF, true),
  14: f('finalizers', 'string', true),
};
const SELECTOR_REQ: Message = { 1: f('key', 'string'), 2: f('operator', 'string'), 3: f('values', 'string', true) };
const LABEL_SELECTOR: Message = { 1: f('matchLabels', { map: 'string' }), 2: f('matchExpressions', SELECTOR_REQ, true) };
const CONTAINER_PORT: Message = { 1: f('name', 'string'), 2: f('hostPort', 'int'), 3: f('containerPort', 'int'), 4: f('protocol', 'string'), 5: f('hostIP', 'string') };
const ENV_VAR: Message = { 1: f('name', 'string'), 2: f('value', 'string') };
const RESOURCES: Message = { 1: f('limits', { map: 'quantity' }), 2: f('requests', { map: 'quantity' }) };
const CONTAINER: Message = {
  1: f('name', 'string'),
  2: f('image', 'string'),
  3: f('command', 'string', true),
  4: f('args', 'string', true),
  5: f('workingDir', 'string'),
  6: f('ports', CONTAINER_PORT, true),
  7: f('env', ENV_VAR, true),
  8: f('resources', RESOURCES),
  13: f('terminationMessagePath', 'string'),
  14: f('imagePullPolicy', 'string'),
  20: f('terminationMessagePolicy', 'string'),
};
const TOLERATION: Message = { 1: f('key', 'string'), 2: f('operator', 'string'), 3: f('value', 'string'), 4: f('effect', 'string'), 5: f('tolerationSeconds', 'int') };
const POD_SPEC: Message = {
  2: f('containers', CONTAINER, true),
  3: f('restartPolicy', 'string'),
  4: f('terminationGracePeriodSeconds', 'int'),
  5: f('activeDeadlineSeconds', 'int'),
  6: f('dnsPolicy', 'string'),
  7: f('nodeSelector', { map: 'string' }),
  8: f('serviceAccountName', 'string'),
  10: f('nodeName', 'string'),
  16: f('hostname', 'string'),
  19: f('schedulerName', 'string'),
  20: f('initContainers', CONTAINER, true),
  22: f('tolerations', TOLERATION, true),
  24: f('priorityClassName', 'string'),
  25: f('priority', 'int'),
};
const POD_TEMPLATE: Message = { 1: f('metadata', OBJECT_META), 2: f('spec', POD_SPEC) };
const ROLLING_UPDATE: Message = { 1: f('maxUnavailable', 'intstr'), 2: f('maxSurge', 'intstr') };
const STRATEGY: Message = { 1: f('type', 'string'), 2: f('rollingUpdate', ROLLING_UPDATE) };
const DEPLOYMENT_SPEC: Message = {
  1: f('replicas', 'int'),
  2: f('selector', LABEL_SELECTOR),
  3: f('template', POD_TEMPLATE),
  4: f('strategy', STRATEGY),
  5: f('minReadySeconds', 'int'),
  6: f('revisionHistoryLimit', 'int'),
  7: f('paused', 'bool'),
  9: f('progressDeadlineSeconds', 'int'),
};
const SERVICE_PORT: Message = { 1: f('name', 'string'), 2: f('protocol', 'string'), 3: f('port', 'int'), 4: f('targetPort', 'intstr'), 5: f('nodePort', 'int') };
const SERVICE_SPEC: Message = { 1: f('ports', SERVICE_PORT, true), 2: f('selector', { map: 'string' }), 3: f('clusterIP', 'string'), 4: f('type', 'string'), 5: f('externalIPs', 'string', true), 7: f('sessionAffinity', 'string'), 11: f('externalName', 'string') };

const KINDS: Record<string, Message> = {
  Namespace: { 1: f('metadata', OBJECT_META), 2: f('spec', { 1: f('finalizers', 'string', true) }) },
  ConfigMap: { 1: f('metadata', OBJECT_META), 2: f('data', { map: 'string' }), 3: f('binaryData', { map: 'bytes' }), 4: f('immutable', 'bool') },
  Service: { 1: f('metadata', OBJECT_META), 2: f('spec', SERVICE_SPEC) },
  Deployment: { 1: f('metadata', OBJECT_META), 2: f('spec', DEPLOYMENT_SPEC) },
  ReplicaSet: { 1: f('metadata', OBJECT_META), 2: f('spec', { 1: f('replicas', 'int'), 2: f('selector', LABEL_SELECTOR), 3: f('template', POD_TEMPLATE), 4: f('minReadySeconds', 'int') }) },
  Pod: { 1: f('metadata', OBJECT_META), 2: f('spec', POD_SPEC) },
  PriorityClass: { 1: f('metadata', OBJECT_META), 2: f('value', 'int'), 3: f('globalDefault', 'bool'), 4: f('description', 'string'), 5: f('preemptionPolicy', 'string') },
};

// Go's generated code writes every non-pointer field, even when empty, where
// JSON would omit it; only these (pointer) fields keep a zero value.
const POINTER_FIELDS = new Set(['value', 'replicas', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'tolerationSeconds', 'priority', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'immutable', 'controller', 'blockOwnerDeletion']);
const isZero = (v: unknown) => v === '' || v === 0 || v === false;

export const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  get done() {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
      if (shift > 63) throw new Error('varint too long');
    }
  }
  bytes(): Uint8Array {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

function scalar(type: Scalar, r: Reader, wire: number): unknown {
  switch (type) {
    case 'string':
      return text(r.bytes());
    case 'bytes':
      return Buffer.from(r.bytes()).toString('base64');
    case 'int': {
      const v = r.varint();
      return v > 2 ** 63 ? v - 2 ** 64 : v;
    }
    case 'bool':
      return r.varint() !== 0;
    case 'quantity':
      return (decode({ 1: f('string', 'string') }, r.bytes()) as { string?: string }).string ?? '0';
    case 'time': {
      const t = decode({ 1: f('seconds', 'int'), 2: f('nanos', 'int') }, r.bytes()) as { seconds?: number };
      if (!t.seconds) return ''; // the zero time is "unset"
      return new Date((t.seconds ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    case 'intstr': {
      const v = decode({ 1: f('type', 'int'), 2: f('intVal', 'int'), 3: f('strVal', 'string') }, r.bytes()) as { type?: number; intVal?: number; strVal?: string };
      return v.type === 1 ? (v.strVal ?? '') : (v.intVal ?? 0);
    }
  }
  void wire;
}

function decode(message: Message, buf: Uint8Array): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done) {
    const tag = r.varint();
    const num = Math.floor(tag / 8);
    const wire = tag & 7;
    const field = message[num];
    if (!field) {
      r.skip(wire);
      continue;
    }
    let value: unknown;
    if (typeof field.type === 'object' && 'map' in field.type) {
      const entryType = field.type.map;
      const entry = decode({ 1: f('key', 'string'), 2: f('value', entryType) }, r.bytes());
      const map = (out[field.name] ??= {}) as Record<string, unknown>;
      map[String(entry.key ?? '')] = entry.value ?? (entryType === 'quantity' ? '0' : '');
      continue;
    }
    if (typeof field.type === 'object') value = decode(field.type as Message, r.bytes());
    else if (field.repeated && wire === 2 && (field.type === 'int' || field.type === 'bool')) {
      // packed repeated scalars
      const inner = new Reader(r.bytes());
      const list = (out[field.name] ??= []) as unknown[];
      while (!inner.done) list.push(scalar(field.type, inner, 0));
      continue;
    } else {
      value = scalar(field.type as Scalar, r, wire);
      if (!field.repeated && isZero(value) && !POINTER_FIELDS.has(field.name)) continue;
    }
    if (field.repeated) ((out[field.name] ??= []) as unknown[]).push(value);
    else out[field.name] = value;
  }
  return out;
}

/** Decodes a Kubernetes protobuf request body into the equivalent JSON object. */
export function decodeKubeProtobuf(body: Uint8Array): Record<string, unknown> {
  if (body.length < 4 || !MAGIC.equals(Buffer.from(body.subarray(0, 4)))) throw badRequest('the protobuf body does not start with the Kubernetes "k8s\\0" prefix');
  let envelope: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: string };
  try {
    envelope = decode(UNKNOWN, body.subarray(4)) as typeof envelope;
  } catch (err) {
    throw badRequest(`the protobuf body is malformed: ${(err as Error).message}`);
  }
  const kind = envelope.typeMeta?.kind ?? '';
  const message = KINDS[kind];
  if (!message) throw new ApiError(415, 'UnsupportedMediaType', `protobuf bodies of kind "${kind}" are not supported; send application/json`);
  try {
    const object = decode(message, Buffer.from(envelope.raw ?? '', 'base64'));
    return { apiVersion: envelope.typeMeta?.apiVersion, kind, ...object };
  } catch (err) {
    throw badRequest(`the protobuf ${kind} is malformed: ${(err as Error).message}`);
  }
}
