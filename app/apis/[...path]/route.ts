import { notFoundRoutes } from '@/lib/gateway/not-found.ts';

export const { GET, POST, PUT, PATCH, DELETE } = notFoundRoutes;
