import NextAuth from 'next-auth';
import { getAuthOptions } from '@/lib/http/next-auth.ts';

type Context = { params: Promise<{ nextauth: string[] }> };

// Options are built per request because the auth secret is loaded at start-up.
const handler = (req: Request, context: Context) =>
  NextAuth(req as never, context as never, getAuthOptions(req.headers));

export { handler as GET, handler as POST };
