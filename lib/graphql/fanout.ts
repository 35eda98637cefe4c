import {
  createSourceEventStream,
  execute,
  print,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
} from 'graphql';
import { subjectOf } from '../auth/authorizer.ts';
import { GraphqlContext } from './context.ts';
import { formatError, type ErrorLog } from './errors.ts';
import { EXPIRED, type WatchItem } from './subscriptions.ts';

// Subscriptions that ask the same thing execute each change once. graphql-js executes a subscription's selection
// set per subscriber per change: a dashboard's 1,000 tabs watching the same pods would run 1,000 identical
// executions for every change. Here subscribers are grouped by what decides their result — the operation (document,
// operation name, variables) and who may read what (the RBAC subject: user, groups, role; a viewer never shares a
// result with an admin) — and each change a group's members receive is executed once, with a fresh context (so a
// relation reads the cluster as it is at that change, not as the first change found it), and formatted once.
//
// Each subscriber keeps its own watch of the watch cache (lib/graphql/subscriptions.ts): its own resume point,
// queue and 410, so events stay once and in order per subscriber whatever the others do. Only the execution of a
// change is shared, looked up by the change's resourceVersion and type: two members receive the same change only
// as the same event, since they select the same objects.

/** Results kept per group for members behind the first: a member further behind executes the change itself. */
const KEPT_PER_GROUP = 512;

interface Entry {
  result: Promise<ExecutionResult>;
  /** Members that have still to take it (those in the group when it was first executed). */
  waiting: number;
}

interface Group {
  members: number;
  results: Map<string, Entry>;
}

export interface FanoutStats {
  /** Changes executed (once per group). */
  executions: number;
  /** Deliveries that reused another member's execution. */
  shared: number;
}

export class SharedSubscriptions {
  private groups = new Map<string, Group>();
  private formattedResults = new WeakMap<ExecutionResult, FormattedExecutionResult>();
  readonly stats: FanoutStats = { executions: 0, shared: 0 };

  constructor(private readonly log?: ErrorLog) {}

  /** Open subscriptions (for tests and metrics): how many groups, and members across them. */
  get size(): { groups: number; members: number } {
    let members = 0;
    for (const g of this.groups.values()) members += g.members;
    return { groups: this.groups.size, members };
  }

  /**
   * graphql-ws's `subscribe`: the subscriber's own source stream (its root `subscribe` resolver runs with its own
   * context: authorization, audit, resume), mapped to results shared with its group.
   */
  async subscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
    const ctx = args.contextValue as GraphqlContext;
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    const source = stream[Symbol.asyncIterator]();
    const key = groupKey(args, ctx);
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { members: 0, results: new Map() }));
    group.members++;
    const leave = () => {
      if (--group.members === 0) this.groups.delete(key);
    };
    const run = (item: WatchItem) => this.execute(args, ctx, item);
    const take = (item: WatchItem) => (item === EXPIRED ? run(item) : this.shared(group, item, run));

    async function* results(): AsyncGenerator<ExecutionResult> {
      try {
        for (;;) {
          const next = await source.next();
          if (next.done) return;
          yield await take(next.value as WatchItem);
        }
      } finally {
        leave();
        await source.return?.();
      }
    }
    return results();
  }

  private shared(
    group: Group,
    item: Exclude<WatchItem, typeof EXPIRED>,
    run: (item: WatchItem) => Promise<ExecutionResult>,
  ): Promise<ExecutionResult> {
    const id = `${item.resourceVersion}:${item.type}`;
    let entry = group.results.get(id);
    if (entry) this.stats.shared++;
    else {
      entry = { result: run(item), waiting: group.members };
      group.results.set(id, entry);
      if (group.results.size > KEPT_PER_GROUP) group.results.delete(group.results.keys().next().value as string);
    }
    if (--entry.waiting <= 0) group.results.delete(id);
    return entry.result;
  }

  private async execute(args: ExecutionArgs, ctx: GraphqlContext, item: WatchItem): Promise<ExecutionResult> {
    this.stats.executions++;
    const fresh = new GraphqlContext(ctx.deps, ctx.principal, ctx.request);
    return execute({ ...args, rootValue: item, contextValue: fresh });
  }

  /**
   * A result with errors as over HTTP (an ApiError's Status in extensions, anything else masked and logged), once
   * per result however many members it is sent to; undefined when there is nothing to change.
   */
  formatted(result: ExecutionResult): FormattedExecutionResult | undefined {
    if (!result.errors?.length) return undefined;
    let out = this.formattedResults.get(result);
    if (!out) {
      const logged = new WeakSet<object>();
      out = { data: result.data, errors: result.errors.map((e) => formatError(e, this.log, undefined, logged)) };
      this.formattedResults.set(result, out);
    }
    return out;
  }
}

/** Canonical JSON: variables given in another key order are the same operation. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

const printed = new WeakMap<object, string>();

/** What decides a subscriber's results: the schema, the operation, its variables, and the RBAC subject. */
function groupKey(args: ExecutionArgs, ctx: GraphqlContext): string {
  let text = printed.get(args.document);
  if (text === undefined) printed.set(args.document, (text = print(args.document)));
  const subject = subjectOf(ctx.principal);
  return canonical([
    schemaId(args.schema),
    text,
    args.operationName ?? null,
    args.variableValues ?? null,
    subject.user,
    [...subject.groups].sort(),
    subject.role ?? null,
  ]);
}

const schemaIds = new WeakMap<object, number>();
let nextSchemaId = 1;

/** A schema rebuilt for a CRD change is another schema: its subscribers do not share with the old one's. */
function schemaId(schema: object): number {
  let id = schemaIds.get(schema);
  if (id === undefined) schemaIds.set(schema, (id = nextSchemaId++));
  return id;
}
