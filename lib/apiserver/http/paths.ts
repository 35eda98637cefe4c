import { findType, groupVersions, type ResourceType } from '../../apimachinery/registry.ts';

// Turns a Kubernetes API path into what it addresses.

export type ApiPath =
  | { kind: 'versions' } // /api
  | { kind: 'groups' } // /apis
  | { kind: 'group'; group: string } // /apis/apps
  | { kind: 'resources'; group: string; version: string } // /api/v1, /apis/apps/v1
  | { kind: 'object'; type: ResourceType; namespace?: string; name?: string; subresource?: string }
  | { kind: 'unknown' };

/** `segments` are the path parts after the leading /api or /apis. */
export function parseApiPath(root: 'api' | 'apis', segments: string[]): ApiPath {
  let group = '';
  let rest = segments;
  if (root === 'api') {
    if (!rest.length) return { kind: 'versions' };
  } else {
    if (!rest.length) return { kind: 'groups' };
    group = rest[0];
    rest = rest.slice(1);
    // The groups served now: built-ins, and those of established CustomResourceDefinitions.
    if (!groupVersions(group).length) return { kind: 'unknown' };
    if (!rest.length) return { kind: 'group', group };
  }
  const version = rest[0];
  rest = rest.slice(1);
  if (root === 'api' ? version !== 'v1' : !groupVersions(group).includes(version)) return { kind: 'unknown' };
  if (!rest.length) return { kind: 'resources', group, version };

  let namespace: string | undefined;
  // /namespaces/{ns}/{resource}/... addresses namespaced resources;
  // /namespaces/{name}[/status] addresses the namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && !['status', 'finalize'].includes(rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const type = findType(group, version, rest[0]);
  if (!type || (namespace && !type.namespaced) || rest.length > 3) return { kind: 'unknown' };
  const [, name, subresource] = rest;
  if (
    subresource &&
    !type.subresources.includes(subresource) &&
    !(type.plural === 'namespaces' && subresource === 'finalize')
  )
    return { kind: 'unknown' };
  return { kind: 'object', type, namespace, name, subresource };
}
