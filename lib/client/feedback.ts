// What a mutation tells the user (through its `meta`): the toast on success,
// and what the action was, to prefix the API's message on failure.
export interface MutationFeedback<TData = unknown, TVariables = unknown> {
  success?: string | ((data: TData, variables: TVariables) => string);
  action?: string;
}

/** The mutation's `meta`; `success` is called with the mutation's result and variables. */
export const feedback = <TData, TVariables>(f: MutationFeedback<TData, TVariables>): Record<string, unknown> =>
  f as Record<string, unknown>;
