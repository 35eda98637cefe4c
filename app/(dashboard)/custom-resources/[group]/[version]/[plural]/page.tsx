import { listMetadata, listPage } from '@/components/custom-resources/pages';

export const dynamic = 'force-dynamic';
export const generateMetadata = listMetadata;
export default listPage('custom-resources');
