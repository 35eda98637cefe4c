import { graphqlGet, graphqlPost } from '@/lib/http/graphql.ts';

// /graphql: queries and mutations over HTTP (lib/http/graphql.ts, through withAuth); GraphiQL for a browser.
// Subscriptions reach the same path as WebSocket upgrades, which server.ts hands to lib/http/graphql-ws.ts.
export const dynamic = 'force-dynamic';
export { graphqlGet as GET, graphqlPost as POST };
