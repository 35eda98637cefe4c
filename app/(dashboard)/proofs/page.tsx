import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { ProofsView } from '@/components/proofs/proofs-view';

export const metadata: Metadata = { title: 'Proofs' };
export const dynamic = 'force-dynamic';

export default async function ProofsPage() {
  await requireUser();
  return (
    <>
      <h1>Placement proofs</h1>
      <p className="muted">
        Every binding gets a Groth16 proof that the pod&apos;s requests fit its node&apos;s free capacity, without
        revealing the requests. Verify them here in your browser, or export them and run{' '}
        <code>npx entroos-verify entroos-proofs.json</code> anywhere.
      </p>
      <ProofsView />
    </>
  );
}
