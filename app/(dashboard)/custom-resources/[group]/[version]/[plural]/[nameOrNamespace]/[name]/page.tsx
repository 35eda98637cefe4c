import { objectMetadata, objectPage } from '@/components/custom-resources/pages';

export const dynamic = 'force-dynamic';
export const generateMetadata = objectMetadata;
export default objectPage('custom-resources');
