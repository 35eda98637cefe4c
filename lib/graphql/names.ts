// How kinds, definitions and fields are named in the GraphQL schema. GraphQL names match /^[_A-Za-z][_0-9A-Za-z]*$/,
// Kubernetes names do not always (`x-kubernetes-…`, CRD properties with dashes), so every generated name goes
// through here, and resolvers read the original key.

const VALID = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** A field name GraphQL accepts for the JSON key `key` (the key itself when it is one). */
export function fieldName(key: string): string {
  if (VALID.test(key) && !key.startsWith('__')) return key;
  const cleaned = key.replace(/[^_0-9A-Za-z]+(.)?/g, (_, next: string | undefined) => (next ? next.toUpperCase() : ''));
  const name = /^[_A-Za-z]/.test(cleaned) ? cleaned : `_${cleaned}`;
  return name.startsWith('__') ? `f${name}` : name || '_';
}

export const pascal = (text: string) =>
  text
    .split(/[^0-9A-Za-z]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');

export const lowerFirst = (text: string) => (text ? text[0].toLowerCase() + text.slice(1) : text);

// Definition names are Java-style package paths; the part that tells definitions apart is kept.
const DEFINITION_PREFIXES = [
  'io.k8s.api.',
  'io.k8s.apimachinery.pkg.apis.',
  'io.k8s.apimachinery.pkg.',
  'io.k8s.apiextensions-apiserver.pkg.apis.',
  'io.k8s.',
];

/** io.k8s.api.core.v1.PodSpec → CoreV1PodSpec; io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta → MetaV1ObjectMeta. */
export function definitionTypeName(definition: string): string {
  const prefix = DEFINITION_PREFIXES.find((p) => definition.startsWith(p)) ?? '';
  return pascal(definition.slice(prefix.length));
}

/**
 * The root field names of a resource: `pod` and `pods`, `replicaSet` and `replicaSets`, from the kind (plurals are
 * lower case: `replicasets`); `endpoints` and `endpointsList` when the singular is the plural.
 */
export function rootNames(kind: string, plural: string): { one: string; many: string } {
  const one = lowerFirst(kind);
  const lower = kind.toLowerCase();
  const many = plural.startsWith(lower) ? one + plural.slice(lower.length) : fieldName(plural);
  return { one, many: many === one ? `${one}List` : many };
}
