import type { Metadata } from 'next';
import { stringify } from 'yaml';
import { requireUser } from '@/lib/http/current-user.ts';
import { DeploymentForm } from '@/components/deployments/deployment-form';

// Create an object of any kind from YAML (the generic lists' Create button): the create page's YAML mode, started
// with a skeleton of the kind. The API decides what is allowed and valid, as for kubectl create -f.

type Params = { apiVersion?: string; kind?: string; namespace?: string };

export async function generateMetadata({ searchParams }: { searchParams: Promise<Params> }): Promise<Metadata> {
  const { kind } = await searchParams;
  return { title: kind ? `Create ${kind}` : 'Create from YAML' };
}

export const dynamic = 'force-dynamic';

export default async function CreateAnyPage({ searchParams }: { searchParams: Promise<Params> }) {
  await requireUser();
  const { apiVersion, kind, namespace } = await searchParams;
  const skeleton = stringify({
    apiVersion: apiVersion || 'v1',
    kind: kind || 'ConfigMap',
    metadata: { name: '', ...(namespace ? { namespace } : {}) },
  });
  return (
    <>
      <h1>Create {kind || 'from YAML'}</h1>
      <p className="muted">
        Write the manifest; it is checked as you type against the kind&apos;s schema and sent with strict field
        validation.
      </p>
      <DeploymentForm initialYaml={skeleton} />
    </>
  );
}
