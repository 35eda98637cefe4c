import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { canDo } from '@/lib/http/resource-access.ts';
import { TokensPanel } from '@/components/tokens/tokens-panel';

export const metadata: Metadata = { title: 'API tokens' };

export default async function TokensPage() {
  const user = await requireUser();
  return (
    <>
      <h1>API tokens</h1>
      <p className="muted">
        Tokens let kubectl, the CLI and the SDKs act as you. Send one as{' '}
        <code>Authorization: Bearer &lt;token&gt;</code>. A token is shown only once, when it is created.
      </p>
      <TokensPanel
        canCreate={canDo(user, 'create', 'tokens')}
        showOwner={user.role === 'admin'}
        username={user.username}
      />
    </>
  );
}
