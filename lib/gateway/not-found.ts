import { notFound } from './errors.ts';
import { withAuth } from './with-auth.ts';

// Unknown /api and /apis paths: authenticate first (so anonymous callers
// learn nothing about what exists), then answer 404 Status.
const handler = withAuth({ verb: 'get', resource: 'whoami' }, ({ req, url }) => {
  throw notFound(`the server could not find the requested resource (${req.method} ${url.pathname})`);
});

export const notFoundRoutes = { GET: handler, POST: handler, PUT: handler, PATCH: handler, DELETE: handler };
