import '#server-only';
import type { ApiRequest } from '../apimachinery/api-request.ts';
import { toFetchResponse, type ApiResponse } from '../apimachinery/json-response.ts';
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
  return toFetchResponse(await serveKubeApiFrom(req, root, segments, () => req));
}

/**
 * The same for any ApiRequest (server.ts's, over Node's request). An application's endpoint (appRoute) is given a
 * fetch Request: `fetchRequest` makes one, called only for those, before anything has read the body.
 */
export async function serveKubeApiFrom(
  given: ApiRequest,
  root: 'api' | 'apis',
  segments: string[],
  fetchRequest: () => Request,
): Promise<ApiResponse> {
  let req = given;
  const auditID = auditIdOf(req.headers);
  let copy: { text: Promise<string>; type: string | null } | undefined;
  let response: ApiResponse;
  try {
    const platform = getPlatform();
    const app = appRoute(root, segments);
    const appRequest = app && fetchRequest();
    if (appRequest) req = appRequest;
    // The handler consumes the body: a copy is kept only when the policy may record it, read from the start (a
    // request refused before its body is read has the rest discarded by the edge).
    if (platform.audit?.wantsRequestBody(auditID) && req.body) {
      const text = req.clone().text();
      text.catch(() => undefined);
      copy = { text, type: req.headers.get('content-type') };
    }
    response = app && appRequest ? await app(appRequest, platform) : await platform.kubeApi(req, root, segments);
  } catch (err) {
    response = statusResponse(toApiError(err, { requestId: req.headers.get(REQUEST_ID_HEADER) ?? undefined }));
  }
  // Creates are reported by the handler (KubeApiDeps.created): the response is not read for their names.
  if (auditID) getPlatform().audit?.responded(auditID, response, { copy, namesReported: true });
  return response;
}
