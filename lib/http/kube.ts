import '#server-only';
import { getPlatform } from '../platform.ts';
import { statusResponse, toApiError } from './errors.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';

/**
 * The Kubernetes API behind server.ts and app/api, app/apis: the platform's
 * handler, with any error it throws mapped to a Status in the one place.
 */
export async function serveKubeApi(req: Request, root: 'api' | 'apis', segments: string[]): Promise<Response> {
  try {
    return await getPlatform().kubeApi(req, root, segments);
  } catch (err) {
    return statusResponse(toApiError(err, { requestId: req.headers.get(REQUEST_ID_HEADER) ?? undefined }));
  }
}
