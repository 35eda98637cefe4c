import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { CiView } from '@/components/apps/ci/ci-view';

export const metadata: Metadata = { title: 'CI/CD' };
export const dynamic = 'force-dynamic';

export default async function CiPage() {
  const user = await requireUser();
  return (
    <>
      <h1>CI/CD</h1>
      <p className="muted">
        Pipelines are DAGs of steps that run as Jobs placed by the scheduler on any node; every artifact is stored by
        its sha256 with SLSA provenance signed by the cluster key. The resources are custom resources in{' '}
        <code>ci.entroos.io/v1</code> (Pipeline, PipelineRun, Artifact): script them with kubectl, the SDKs or{' '}
        <code>entroos ci</code>, or trigger them from GitHub.
      </p>
      <CiView canWrite={user.role !== 'viewer'} />
    </>
  );
}
