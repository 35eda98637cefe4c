import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { requireUser } from '@/lib/http/current-user.ts';
import { canDo } from '@/lib/http/resource-access.ts';
import { DeploymentForm } from '@/components/deployments/deployment-form';

export const metadata: Metadata = { title: 'Create deployment' };
export const dynamic = 'force-dynamic';

export default async function NewDeploymentPage() {
  const user = await requireUser();
  if (!canDo(user, 'create', 'deployments')) redirect('/deployments');
  return (
    <>
      <h1>Create deployment</h1>
      <DeploymentForm />
    </>
  );
}
