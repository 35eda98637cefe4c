import type { CustomResourceDefinition, JSONSchemaProps } from '../apimachinery/generated/kinds.ts';

// What every application's CRDs share: namespaced kinds in the app's group, a structural schema with a required
// spec, a status subresource when the kind has a status, the app's category (`kubectl get supplychain`), its
// printer columns and Age, and the `app.kubernetes.io/part-of` label naming the app.

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  priority?: number;
}

export interface AppKind {
  kind: string;
  plural: string;
  shortNames: string[];
  spec: JSONSchemaProps;
  status?: JSONSchemaProps;
  columns?: PrinterColumn[];
}

export function namespacedCrd(
  app: { name: string; group: string; version: string },
  k: AppKind,
): CustomResourceDefinition {
  const properties: Record<string, JSONSchemaProps> = { spec: k.spec };
  if (k.status) properties.status = k.status;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.${app.group}`, labels: { 'app.kubernetes.io/part-of': app.name } },
    spec: {
      group: app.group,
      scope: 'Namespaced',
      names: {
        kind: k.kind,
        plural: k.plural,
        singular: k.kind.toLowerCase(),
        listKind: `${k.kind}List`,
        shortNames: k.shortNames,
        categories: [app.name.replace(/-/g, '')],
      },
      versions: [
        {
          name: app.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', required: ['spec'], properties } },
          ...(k.status ? { subresources: { status: {} } } : {}),
          additionalPrinterColumns: [
            ...(k.columns ?? []),
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
        },
      ],
    },
  };
}

/** An object's name as Kubernetes allows it (a DNS subdomain). */
export const OBJECT_NAME = {
  type: 'string',
  maxLength: 253,
  pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
} satisfies JSONSchemaProps;

export const str = (description: string, extra: JSONSchemaProps = {}): JSONSchemaProps => ({
  type: 'string',
  description,
  ...extra,
});
