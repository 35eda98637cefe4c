'use client';

import { useEffect, useMemo, useRef } from 'react';
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

/**
 * What Swagger UI's markup lacks for a keyboard or screen-reader user (axe, WCAG 2 AA), added to what it renders:
 * its example and response blocks scroll but cannot take focus, and its selects (the server, a parameter's enum)
 * have no accessible name. It renders operations as they are opened, so this runs on each change of its DOM.
 */
function accessible(root: HTMLElement) {
  for (const block of root.querySelectorAll<HTMLElement>('.microlight, pre.example, .highlight-code > pre')) {
    if (!block.hasAttribute('tabindex')) block.tabIndex = 0;
  }
  for (const select of root.querySelectorAll<HTMLSelectElement>('select:not([aria-label])')) {
    // A label that wraps the select (Swagger's server picker) has the options' text but names nothing else.
    const named = [...(select.labels ?? [])].some(
      (label) => (label.textContent ?? '').replace(select.textContent ?? '', '').trim() !== '',
    );
    if (named) continue;
    const parameter = select.closest('tr')?.querySelector('.parameter__name')?.textContent?.replace('*', '').trim();
    const label =
      select.id === 'servers' ? 'Server' : parameter ? `Value of ${parameter}` : select.className || 'Choice';
    select.setAttribute('aria-label', label);
  }
}

export default function SwaggerView({ spec }: { spec: Record<string, unknown> }) {
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = root.current;
    if (!element) return;
    accessible(element);
    const observer = new MutationObserver(() => accessible(element));
    observer.observe(element, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
  // Requests go to the origin this page was loaded from, whatever the server thought its address was. A new
  // object makes Swagger UI reload the document (and forget what was typed), so it is made once per document.
  const withOrigin = useMemo(() => ({ ...spec, servers: [{ url: window.location.origin }] }), [spec]);
  return (
    <div ref={root}>
      <SwaggerUI
        spec={withOrigin}
        docExpansion="list"
        defaultModelsExpandDepth={-1}
        deepLinking={false}
        filter
        displayRequestDuration
        requestInterceptor={sameOrigin}
      />
    </div>
  );
}
