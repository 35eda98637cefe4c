// What a mutation tells the user (through its `meta`): the toast on success,
// and what the action was, to prefix the API's message on failure.
export interface MutationFeedback {
  success?: string | ((data: any, variables: any) => string);
  action?: string;
}

export const feedback = (f: MutationFeedback): Record<string, unknown> => f as Record<string, unknown>;
