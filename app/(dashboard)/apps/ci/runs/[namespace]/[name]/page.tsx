import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/http/current-user.ts';
import { RunView } from '@/components/apps/ci/run-view';
import { CI_PAGE } from '@/components/apps/ci/links';

type Params = { namespace: string; name: string };

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { namespace, name } = await params;
  return { title: `Run ${decodeURIComponent(namespace)}/${decodeURIComponent(name)}` };
}

export default async function RunPage({ params }: { params: Promise<Params> }) {
  const user = await requireUser();
  const { namespace, name } = await params;
  const ns = decodeURIComponent(namespace);
  const run = decodeURIComponent(name);
  return (
    <>
      <p>
        <Link href={CI_PAGE}>CI/CD</Link>
      </p>
      <h1>
        Run {ns}/{run}
      </h1>
      <RunView namespace={ns} name={run} canWrite={user.role !== 'viewer'} />
    </>
  );
}
