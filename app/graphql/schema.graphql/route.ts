import { graphqlSdl } from '@/lib/http/graphql.ts';

// GET /graphql/schema.graphql: the GraphQL schema as SDL (linked from the API reference page).
export const dynamic = 'force-dynamic';
export { graphqlSdl as GET };
