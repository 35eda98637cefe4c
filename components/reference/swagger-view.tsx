'use client';

import { useMemo } from 'react';
import SwaggerUI from 'swagger-ui-react';
import 'swagger-ui-react/swagger-ui.css';

interface SwaggerRequest {
  credentials?: RequestCredentials;
  [key: string]: unknown;
}

// "Try it out" runs in this tab: requests go to this origin with the session cookie, and the browser adds the
// Origin header the server checks on cookie-authenticated writes (lib/http/edge.ts), so writes work too.
function sameOrigin(request: SwaggerRequest): SwaggerRequest {
  request.credentials = 'same-origin';
  return request;
}

export default function SwaggerView({ spec }: { spec: Record<string, unknown> }) {
  // Requests go to the origin this page was loaded from, whatever the server thought its address was. A new
  // object makes Swagger UI reload the document (and forget what was typed), so it is made once per document.
  const withOrigin = useMemo(() => ({ ...spec, servers: [{ url: window.location.origin }] }), [spec]);
  return (
    <SwaggerUI
      spec={withOrigin}
      docExpansion="list"
      defaultModelsExpandDepth={-1}
      deepLinking={false}
      filter
      displayRequestDuration
      requestInterceptor={sameOrigin}
    />
  );
}
