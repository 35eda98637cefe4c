'use client';

import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/lib/client/api.ts';
import { openApiPath, type OpenApiDoc } from './schema.ts';

/**
 * The served OpenAPI v3 document of a group-version (`apps/v1`, `v1`, a CRD's), fetched once per page: documents
 * change only when the served types do (a CRD's schema), and the editor re-reads it on the next page.
 */
export function useOpenApiDoc(apiVersion: string | undefined): OpenApiDoc | undefined {
  const path = apiVersion ? openApiPath(apiVersion) : undefined;
  const query = useQuery({
    queryKey: ['openapi-v3', path],
    enabled: !!path,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
    queryFn: () => apiFetch<OpenApiDoc>(`/openapi/v3/${path}`),
  });
  return query.data;
}
