import { scopedMetadata, scopedPage } from '@/app/(dashboard)/_generic/resource-pages';

export const dynamic = 'force-dynamic';
export const generateMetadata = scopedMetadata;
export default scopedPage('resources');
