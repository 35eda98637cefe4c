import { scopedMetadata, scopedPage } from '@/components/custom-resources/pages';

export const dynamic = 'force-dynamic';
export const generateMetadata = scopedMetadata;
export default scopedPage('custom-resources');
