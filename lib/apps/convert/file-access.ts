import type { ObjectApi } from '../../apiserver/object-api.ts';
import type { FileStore } from './storage.ts';
import { RESOURCES, type Conversion, type Workflow } from './types.ts';

// Stored files live outside namespaces and are shared through them: a file belongs to the users who uploaded it,
// and to every namespace whose Conversions or Workflows name it (as an input, or as an output they produced).
// Admission (naming a file as an input) and downloads follow this one rule.

/** Whether a Conversion names `digest` as its input or its output. */
export const conversionNames = (c: Conversion, digest: string) =>
  c.spec.input.digest === digest || c.status?.output?.digest === digest;

/** Whether a Workflow names `digest` as its input or one of its steps' outputs. */
export const workflowNames = (w: Workflow, digest: string) =>
  w.spec.input.digest === digest || (w.status?.steps ?? []).some((s) => s.output?.digest === digest);

/** Whether a Conversion or Workflow of `namespace` names `digest`. */
export function namedIn(api: ObjectApi, namespace: string, digest: string): boolean {
  const conversions = api.cache.list(RESOURCES.conversions, namespace).items as Conversion[];
  const workflows = api.cache.list(RESOURCES.workflows, namespace).items as Workflow[];
  return conversions.some((c) => conversionNames(c, digest)) || workflows.some((w) => workflowNames(w, digest));
}

/** Who may read a stored file: its uploaders, and whoever may get files in a namespace it is shared through. */
export interface FileSharing {
  owners: readonly string[];
  namespaces: ReadonlySet<string>;
}

/** How `digest` is shared, or undefined when the store has no such file. */
export function fileSharing(api: ObjectApi, files: FileStore, digest: string): FileSharing | undefined {
  const record = files.recordSync(digest);
  if (!record) return undefined;
  const namespaces = new Set<string>();
  for (const c of api.cache.list(RESOURCES.conversions).items as Conversion[])
    if (conversionNames(c, digest)) namespaces.add(c.metadata.namespace ?? '');
  for (const w of api.cache.list(RESOURCES.workflows).items as Workflow[])
    if (workflowNames(w, digest)) namespaces.add(w.metadata.namespace ?? '');
  return { owners: record.owners ?? [], namespaces };
}
