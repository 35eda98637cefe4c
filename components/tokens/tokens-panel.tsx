'use client';

import { CreateTokenForm } from './create-token-form';
import { TokenTable } from './token-table';
import { KubeconfigDownload } from './kubeconfig-download';

export function TokensPanel({
  canCreate,
  showOwner,
  username,
}: {
  canCreate: boolean;
  showOwner: boolean;
  username: string;
}) {
  return (
    <>
      {canCreate && <KubeconfigDownload username={username} />}
      {canCreate ? (
        <CreateTokenForm allowOwner={showOwner} />
      ) : (
        <p className="alert alert-error" data-testid="tokens-readonly">
          Viewers cannot create API tokens. Ask an admin to create one for you.
        </p>
      )}
      <TokenTable showOwner={showOwner} canRevoke={canCreate} />
    </>
  );
}
