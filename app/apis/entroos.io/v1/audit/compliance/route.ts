import { z } from 'zod';
import { withAuth } from '@/lib/http/with-auth.ts';
import { parseQuery } from '@/lib/http/parse.ts';
import { complianceResponse } from '@/lib/http/audit.ts';

export const dynamic = 'force-dynamic';

const query = z.object({ format: z.enum(['json', 'csv', 'html']).default('json') }).strict();

/** The controls in force with their evidence: ?format=json (default), csv, or html (print it to PDF). */
export const GET = withAuth({ verb: 'get', resource: 'audit' }, async ({ platform, url }) =>
  complianceResponse(platform, parseQuery(url, query).format),
);
