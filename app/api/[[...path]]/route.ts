import { serveKubeApi } from '@/lib/http/kube.ts';

// The Kubernetes core API (/api, /api/v1/...). Unknown paths answer 404 Status.
type Context = { params: Promise<{ path?: string[] }> };

const handler = async (req: Request, { params }: Context) => serveKubeApi(req, 'api', (await params).path ?? []);

export const dynamic = 'force-dynamic';
export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
