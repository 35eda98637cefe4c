import { withAuth } from '@/lib/http/with-auth.ts';

export const GET = withAuth({ verb: 'get', resource: 'whoami' }, ({ principal }) =>
  Response.json({
    kind: 'WhoAmI',
    apiVersion: 'entroos.io/v1',
    username: principal.username,
    role: principal.role,
    via: principal.via,
  }),
);

export const dynamic = 'force-dynamic';
