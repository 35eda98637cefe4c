import type { PodTemplateSpec } from '../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../apimachinery/meta.ts';
import { age } from '../apimachinery/printers.ts';

// What a printed column is, and the columns many kinds share: NAME, AGE, and the wide columns of the kinds that
// run a pod template. tables.ts assembles the kinds' tables from these and from the kinds' own columns
// (lib/apiserver/kinds/*), which is why they live here and not in tables.ts.

export interface Column<O = KubeObject> {
  name: string;
  /** string, integer, date, and for custom resources' printer columns also number and boolean. */
  type: string;
  format?: string;
  description: string;
  priority: number;
  /** A custom resource's cell is null when its JSONPath finds nothing (kubectl prints <none>). */
  cell: (o: O, now: number) => string | number | boolean | null;
}

interface Named {
  metadata: { name?: string; creationTimestamp?: string };
}

export const nameColumn: Column<Named> = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: (o) => o.metadata.name ?? '',
};

export const ageColumn: Column<Named> = {
  name: 'Age',
  type: 'string',
  description: 'Time since creation.',
  priority: 0,
  cell: (o, now) => age(o.metadata.creationTimestamp, now),
};

/**
 * `kubectl get -o wide`'s CONTAINERS and IMAGES of a pod template, and SELECTOR when the kind prints one
 * (a StatefulSet's wide view does not).
 */
export function templateColumns<O>(
  template: (o: O) => PodTemplateSpec | undefined,
  selector?: { description: string; cell: (o: O) => string },
): Column<O>[] {
  return [
    {
      name: 'Containers',
      type: 'string',
      description: 'Names of each container in the template.',
      priority: 1,
      cell: (o) => (template(o)?.spec?.containers ?? []).map((c) => c.name).join(','),
    },
    {
      name: 'Images',
      type: 'string',
      description: 'Images referenced by each container in the template.',
      priority: 1,
      cell: (o) => (template(o)?.spec?.containers ?? []).map((c) => c.image).join(','),
    },
    ...(selector
      ? [{ name: 'Selector', type: 'string', description: selector.description, priority: 1, cell: selector.cell }]
      : []),
  ];
}
