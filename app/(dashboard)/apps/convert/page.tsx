import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { ConvertView } from '@/components/apps/convert/convert-view';

export const metadata: Metadata = { title: 'File conversion' };
export const dynamic = 'force-dynamic';

export default async function ConvertPage() {
  const user = await requireUser();
  return (
    <>
      <h1>File conversion</h1>
      <p className="muted">
        Images (sharp), Markdown and HTML (Chromium), CSV/JSON/NDJSON/YAML and office documents (LibreOffice) converted
        as Jobs on the cluster&apos;s nodes; every output is signed by the cluster key with the input it came from and
        the node that made it. The resources are custom resources in <code>convert.entroos.io/v1</code> (Conversion,
        Workflow): script them with kubectl or the SDKs.
      </p>
      <ConvertView canWrite={user.role !== 'viewer'} />
    </>
  );
}
