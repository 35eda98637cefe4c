import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { VotingAdmin } from '@/components/apps/voting/admin';

export const metadata: Metadata = { title: 'Voting' };
export const dynamic = 'force-dynamic';

export default async function VotingPage() {
  const user = await requireUser();
  return (
    <>
      <h1>Zero-knowledge voting</h1>
      <p className="muted">
        Groups of voters known only by commitments, ballots that freeze the group when they open, and votes that carry a
        Groth16 proof of membership instead of a name (one per member, by nullifier). The resources are custom resources
        in <code>voting.entroos.io/v1</code>; voters use the public voter page, and anyone can check a ballot&apos;s
        export with <code>npx entroos-verify</code>.
      </p>
      <VotingAdmin canWrite={user.role !== 'viewer'} />
    </>
  );
}
