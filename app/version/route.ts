export { version as GET } from '@/lib/gateway/health.ts';

export const dynamic = 'force-dynamic';
