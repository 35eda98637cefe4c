import { listMetadata, listPage } from '@/app/(dashboard)/_generic/resource-pages';

export const dynamic = 'force-dynamic';
export const generateMetadata = listMetadata;
export default listPage('custom-resources');
