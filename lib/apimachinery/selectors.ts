import { badRequest } from './errors.ts';
import type { Event, LabelSelector, Namespace, Node, Pod } from './generated/kinds.ts';
import type { KubeObject, ObjectView } from './object.ts';

// Label selectors (=, ==, !=, in, notin, exists, !key) and field selectors
// (=, ==, != on a few well-known fields), as kubectl sends them.

type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export type Selector = (labels: Record<string, string> | undefined) => boolean;

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas outside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

export function parseLabelSelector(text: string | null | undefined): Requirement[] {
  if (!text || !text.trim()) return [];
  return splitTop(text).map((part) => {
    const fail = (why: string) => badRequest(`unable to parse requirement "${part}" in labelSelector: ${why}`);
    let m = /^(\S+?)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      const list = m[3];
      const values = list
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '' || list.trim() === '');
      if (!KEY.test(m[1])) throw fail('invalid label key');
      if (values.some((v) => !VALUE.test(v))) throw fail('invalid label value');
      return { key: m[1], op: m[2] as 'in' | 'notin', values };
    }
    m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(part);
    if (m) {
      if (!KEY.test(m[1])) throw fail('invalid label key');
      if (!VALUE.test(m[3])) throw fail('invalid label value');
      return { key: m[1], op: m[2] === '!=' ? 'neq' : 'eq', value: m[3] };
    }
    m = /^(!?)(\S+)$/.exec(part);
    if (m && KEY.test(m[2])) return { key: m[2], op: m[1] ? 'notexists' : 'exists' };
    throw fail('expected key, !key, key=value, key!=value, key in (...) or key notin (...)');
  });
}

export function labelSelector(text: string | null | undefined): Selector {
  const requirements = parseLabelSelector(text);
  if (!requirements.length) return () => true;
  return (labels = {}) =>
    requirements.every((r) => {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      switch (r.op) {
        case 'eq':
          return has && labels[r.key] === r.value;
        case 'neq':
          return !has || labels[r.key] !== r.value;
        case 'in':
          return has && r.values.includes(labels[r.key]);
        case 'notin':
          return !has || !r.values.includes(labels[r.key]);
        case 'exists':
          return has;
        case 'notexists':
          return !has;
      }
    });
}

/** A matchLabels / matchExpressions selector object (as in Deployment.spec.selector); an unknown operator matches nothing. */
export type LabelSelectorObject = LabelSelector;

export function selectorFromObject(selector: LabelSelectorObject | undefined): Selector {
  if (!selector) return () => false;
  const { matchLabels = {}, matchExpressions = [] } = selector;
  return (labels = {}) =>
    Object.entries(matchLabels).every(([k, v]) => labels[k] === v) &&
    matchExpressions.every((e) => {
      const has = Object.prototype.hasOwnProperty.call(labels, e.key);
      switch (e.operator) {
        case 'In':
          return has && (e.values ?? []).includes(labels[e.key]);
        case 'NotIn':
          return !has || !(e.values ?? []).includes(labels[e.key]);
        case 'Exists':
          return has;
        case 'DoesNotExist':
          return !has;
        default:
          return false;
      }
    });
}

export function selectorToString(selector: LabelSelectorObject | undefined): string {
  if (!selector) return '';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

// Field selectors: each resource supports metadata.name and metadata.namespace,
// plus the fields listed here.
type FieldGetter<K = KubeObject> = (o: K) => string | undefined;

const podFields: Record<string, FieldGetter<ObjectView<Pod>>> = {
  'spec.nodeName': (o) => o.spec?.nodeName ?? '',
  'status.phase': (o) => o.status?.phase ?? '',
  'spec.schedulerName': (o) => o.spec?.schedulerName ?? '',
  'spec.restartPolicy': (o) => o.spec?.restartPolicy ?? '',
  'status.podIP': (o) => o.status?.podIP ?? '',
};
const eventFields: Record<string, FieldGetter<ObjectView<Event>>> = {
  'involvedObject.kind': (o) => o.involvedObject?.kind,
  'involvedObject.name': (o) => o.involvedObject?.name,
  'involvedObject.namespace': (o) => o.involvedObject?.namespace,
  'involvedObject.uid': (o) => o.involvedObject?.uid,
  reason: (o) => o.reason,
  type: (o) => o.type,
};
const nodeFields: Record<string, FieldGetter<ObjectView<Node>>> = {
  'spec.unschedulable': (o) => String(Boolean(o.spec?.unschedulable)),
};
const namespaceFields: Record<string, FieldGetter<ObjectView<Namespace>>> = {
  'status.phase': (o) => o.status?.phase ?? '',
};

const FIELDS: Record<string, Record<string, FieldGetter>> = {
  pods: podFields,
  events: eventFields,
  nodes: nodeFields,
  namespaces: namespaceFields,
};

export type ObjectPredicate = (o: KubeObject) => boolean;

export function fieldSelector(resource: string, text: string | null | undefined): ObjectPredicate {
  if (!text || !text.trim()) return () => true;
  const checks = text.split(',').map((part) => {
    const m = /^\s*([\w.]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw badRequest(`invalid field selector "${part}": expected field=value or field!=value`);
    const [, field, op, value] = m;
    const getter: FieldGetter | undefined =
      field === 'metadata.name'
        ? (o) => o.metadata?.name
        : field === 'metadata.namespace'
          ? (o) => o.metadata?.namespace ?? ''
          : FIELDS[resource]?.[field];
    if (!getter) throw badRequest(`field label not supported: ${field}`);
    return (o: KubeObject) => (op === '!=' ? getter(o) !== value : getter(o) === value);
  });
  return (o) => checks.every((c) => c(o));
}
