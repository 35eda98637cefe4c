import '#server-only';
import { getPlatform } from '../platform.ts';
import { auditIdOf } from '../audit/trail.ts';
import { statusResponse, toApiError } from './errors.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';
import { appRoute } from './app-routes.ts';

/**
 * The Kubernetes API behind server.ts and app/api, app/apis: the platform's
 * handler, with any error it throws mapped to a Status in the one place, and
 * the answer handed to the audit trail.
 */
export async function serveKubeApi(req: Request, root: 'api' | 'apis', segments: string[]): Promise<Response> {
  const auditID = auditIdOf(req.headers);
  let copy: { text: Promise<string>; type: string | null } | undefined;
  let response: Response;
  try {
    const platform = getPlatform();
    // The handler consumes the body: a copy is kept only when the policy may record it, read from the start (a
    // request refused before its body is read has the rest discarded by the edge).
    if (req.body && platform.audit?.wantsRequestBody(auditID)) {
      const text = req.clone().text();
      text.catch(() => undefined);
      copy = { text, type: req.headers.get('content-type') };
    }
    const app = appRoute(root, segments);
    response = app ? await app(req, platform) : await platform.kubeApi(req, root, segments);
  } catch (err) {
    response = statusResponse(toApiError(err, { requestId: req.headers.get(REQUEST_ID_HEADER) ?? undefined }));
  }
  // Creates are reported by the handler (KubeApiDeps.created): the response is not read for their names.
  if (auditID) getPlatform().audit?.responded(auditID, response, { copy, namesReported: true });
  return response;
}
