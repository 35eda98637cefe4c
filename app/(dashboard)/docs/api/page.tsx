import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { referenceIndex } from '@/lib/http/reference/documents.ts';
import { ApiReference } from '@/components/reference/api-reference';

export const metadata: Metadata = { title: 'API reference' };
export const dynamic = 'force-dynamic';

export default async function ApiReferencePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireUser();
  const index = referenceIndex();
  const { group } = await searchParams;
  const initialGroup =
    typeof group === 'string' && index.groups.some((g) => g.id === group) ? group : (index.groups[0]?.id ?? '');
  return (
    <>
      <h1>API reference</h1>
      <p className="muted">
        Every API group this server serves, custom resources included, generated from the schemas it validates with.{' '}
        <em>Try it out</em> sends the request with your session; from scripts, use an API token (see{' '}
        <code>docs/auth.md</code>).
      </p>
      <ApiReference index={index} initialGroup={initialGroup} />
    </>
  );
}
