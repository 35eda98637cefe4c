import type { KubeObject, ObjectChange, WatchEventType } from './object.ts';

/**
 * How a change looks to a watcher of a selection (label, field or name
 * selectors): an object entering it is ADDED, one leaving it is DELETED,
 * changes outside it are nothing (null). Kubernetes watches behave so.
 */
export function selectionChange(
  e: ObjectChange,
  matches: (o: KubeObject | undefined) => boolean,
): WatchEventType | null {
  const now = e.type === 'DELETED' ? false : matches(e.object as KubeObject);
  const before = e.type === 'ADDED' ? false : matches(e.previous as KubeObject | undefined);
  if (e.type === 'DELETED') return before ? 'DELETED' : null;
  if (now && before) return 'MODIFIED';
  if (now) return 'ADDED';
  return before ? 'DELETED' : null;
}
