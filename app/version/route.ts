export { version as GET } from '@/lib/http/health.ts';

export const dynamic = 'force-dynamic';
