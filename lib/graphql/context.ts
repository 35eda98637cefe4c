import { subjectOf } from '../auth/authorizer.ts';
import { forbiddenError, requestFor } from '../auth/policy-rules.ts';
import type { Principal } from '../auth/principal.ts';
import type { ResourceType } from '../apimachinery/registry.ts';
import type { GraphqlDeps } from './deps.ts';
import { createLoaders, type Loaders } from './loaders.ts';

// One operation's context: who asks, the same RBAC authorizer the REST API asks (decisions cached for the
// operation, so 1,000 pods' nodes cost one decision per node), the batching loaders, and a count of the reads they
// made (returned in the response's extensions, and asserted by the tests).

export interface RequestFacts {
  transport: 'http' | 'websocket';
  sourceIP?: string;
  userAgent?: string;
  requestId?: string;
}

/** What an access is checked against: a resource type, or an entroos.io resource by name (`scheduler`, `proofs`). */
export type Target = Pick<ResourceType, 'group' | 'plural'> | string;

export class GraphqlContext {
  readonly loaders: Loaders;
  /** Reads of the store (or of a service) made for this operation, by what was read. */
  readonly reads: Record<string, number> = {};
  /** Warnings from decoding write bodies (unknown fields), returned in extensions.warnings. */
  readonly warnings: string[] = [];
  /** Relations read ahead for a page of objects (relation → key → value), so their fields resolve without waiting. */
  readonly prefetched = new Map<string, Map<string, unknown>>();
  private decisions = new Map<string, boolean>();

  constructor(
    readonly deps: GraphqlDeps,
    readonly principal: Principal,
    readonly request: RequestFacts,
  ) {
    this.loaders = createLoaders(this);
  }

  countRead(what: string, n = 1) {
    this.reads[what] = (this.reads[what] ?? 0) + n;
  }

  /** Whether the caller may `verb` the target (in `namespace`, on object `name`), as REST would decide it. */
  can(verb: string, target: Target, namespace?: string, name?: string, subresource?: string): boolean {
    const [group, resource] = typeof target === 'string' ? ['entroos.io', target] : [target.group, target.plural];
    const key = `${verb}\0${group}\0${resource}\0${subresource ?? ''}\0${namespace ?? ''}\0${name ?? ''}`;
    let allowed = this.decisions.get(key);
    if (allowed === undefined) {
      const request = requestFor(verb, resource, { apiGroup: group, namespace, name, subresource });
      allowed = this.deps.authorizer.authorize(subjectOf(this.principal), request).allowed;
      this.decisions.set(key, allowed);
    }
    return allowed;
  }

  /** Throws the REST API's 403 when the caller may not. */
  require(verb: string, target: Target, namespace?: string, name?: string, subresource?: string): void {
    if (this.can(verb, target, namespace, name, subresource)) return;
    const [group, resource] = typeof target === 'string' ? ['entroos.io', target] : [target.group, target.plural];
    throw forbiddenError(
      this.principal.username,
      requestFor(verb, resource, { apiGroup: group, namespace, name, subresource }),
    );
  }
}
