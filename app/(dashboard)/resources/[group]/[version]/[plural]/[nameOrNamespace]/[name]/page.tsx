import { objectMetadata, objectPage } from '@/app/(dashboard)/_generic/resource-pages';

export const dynamic = 'force-dynamic';
export const generateMetadata = objectMetadata;
export default objectPage('resources');
