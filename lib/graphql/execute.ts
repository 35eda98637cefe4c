import {
  GraphQLError,
  execute,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLSchema,
  type OperationTypeNode,
} from 'graphql';
import { LIMITS, complexity, depthLimit, resolvePersisted, type PersistedExtension } from './limits.ts';
import { formatError } from './errors.ts';
import type { GraphqlContext } from './context.ts';

// One GraphQL operation from parameters to result, for HTTP (POST and GET) and, up to execution, for WebSockets:
// the persisted query looked up, the text parsed (a syntax error is a 400 with the parser's message), validated
// with the depth limit, its complexity estimated, then executed with the caller's context.

export interface OperationParams {
  query?: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: { persistedQuery?: PersistedExtension } & Record<string, unknown>;
}

export interface Prepared {
  document: DocumentNode;
  operation: OperationTypeNode;
  complexity: number;
}

/** Errors found before execution, with the HTTP status they answer. */
export class RequestErrors extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly GraphQLError[],
  ) {
    super(errors.map((e) => e.message).join('; '));
  }
}

const VALIDATION_RULES = [...specifiedRules, depthLimit(LIMITS.maxDepth)];

/** Operations a client sends again and again (a dashboard's, a subscription per tab) are parsed and checked once. */
const PREPARED_KEPT = 500;
const preparedBySchema = new WeakMap<GraphQLSchema, Map<string, Prepared>>();

export function prepare(schema: GraphQLSchema, params: OperationParams): Prepared {
  let query: string;
  try {
    query = resolvePersisted(params.query, params.extensions?.persistedQuery);
  } catch (err) {
    const error = err as GraphQLError;
    // Apollo clients expect PersistedQueryNotFound with 200, then send the query.
    throw new RequestErrors(error.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND' ? 200 : 400, [error]);
  }
  let known = preparedBySchema.get(schema);
  if (!known) preparedBySchema.set(schema, (known = new Map()));
  const key = `${params.operationName ?? ''}\0${query}`;
  const hit = known.get(key);
  if (hit) {
    // Least recently used first out: a hit moves to the end.
    known.delete(key);
    known.set(key, hit);
    return hit;
  }
  const prepared = prepareQuery(schema, query, params.operationName);
  known.set(key, prepared);
  if (known.size > PREPARED_KEPT) known.delete(known.keys().next().value as string);
  return prepared;
}

function prepareQuery(schema: GraphQLSchema, query: string, operationName: string | null | undefined): Prepared {
  if (query.length > LIMITS.maxQueryChars)
    throw new RequestErrors(413, [
      new GraphQLError(`the query is ${query.length} characters long; at most ${LIMITS.maxQueryChars} are allowed`, {
        extensions: { code: 'QUERY_TOO_LARGE' },
      }),
    ]);
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: LIMITS.maxTokens });
  } catch (err) {
    const error = err as GraphQLError;
    throw new RequestErrors(400, [
      new GraphQLError(error.message, {
        source: error.source,
        positions: error.positions,
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      }),
    ]);
  }
  const errors = validate(schema, document, VALIDATION_RULES);
  if (errors.length)
    throw new RequestErrors(
      400,
      errors.map((e) =>
        e.extensions?.code
          ? e
          : new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
      ),
    );
  const operation = getOperationAST(document, operationName);
  if (!operation)
    throw new RequestErrors(400, [
      new GraphQLError(
        operationName
          ? `no operation named "${operationName}" in the document`
          : 'the document holds several operations: name one in operationName',
        { extensions: { code: 'BAD_REQUEST' } },
      ),
    ]);
  const cost = complexity(schema, document, operationName);
  if (cost > LIMITS.maxComplexity)
    throw new RequestErrors(400, [
      new GraphQLError(
        `the operation's estimated complexity is ${cost}; at most ${LIMITS.maxComplexity} is allowed (give lists a smaller limit, or select fewer fields)`,
        { extensions: { code: 'COMPLEXITY_LIMIT', complexity: cost } },
      ),
    ]);
  return { document, operation: operation.operation, complexity: cost };
}

export interface HttpResult {
  status: number;
  body: FormattedExecutionResult;
}

const formatted = (result: ExecutionResult, ctx: GraphqlContext, extra: Record<string, unknown>) => {
  const body: FormattedExecutionResult = {};
  if (result.errors?.length) {
    const logged = new WeakSet<object>();
    body.errors = result.errors.map((e) => formatError(e, ctx.deps.log, ctx.request.requestId, logged));
  }
  if (result.data !== undefined) body.data = result.data;
  body.extensions = {
    ...extra,
    reads: ctx.reads,
    ...(ctx.warnings.length ? { warnings: ctx.warnings } : {}),
  };
  return body;
};

/** Runs a query or mutation received over HTTP (GET may only read). */
export async function runHttp(
  schema: GraphQLSchema,
  params: OperationParams,
  method: string,
  ctx: GraphqlContext,
): Promise<HttpResult> {
  let prepared: Prepared;
  try {
    prepared = prepare(schema, params);
  } catch (err) {
    if (err instanceof RequestErrors)
      return { status: err.status, body: { errors: err.errors.map((e) => e.toJSON()) } };
    throw err;
  }
  const refuse = (status: number, message: string, code: string) => ({
    status,
    body: { errors: [new GraphQLError(message, { extensions: { code } }).toJSON()] },
  });
  if (prepared.operation === 'subscription')
    return refuse(
      400,
      'subscriptions are served over WebSockets (the graphql-transport-ws protocol) at this same path',
      'BAD_REQUEST',
    );
  if (prepared.operation === 'mutation' && method !== 'POST')
    return refuse(405, 'mutations are sent with POST', 'METHOD_NOT_ALLOWED');
  const result = await execute({
    schema,
    document: prepared.document,
    variableValues: params.variables ?? undefined,
    operationName: params.operationName ?? undefined,
    contextValue: ctx,
  });
  return { status: 200, body: formatted(result, ctx, { complexity: prepared.complexity }) };
}
