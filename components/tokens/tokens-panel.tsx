'use client';

import { CreateTokenForm } from './create-token-form';
import { TokenTable } from './token-table';

export function TokensPanel({ canCreate, showOwner }: { canCreate: boolean; showOwner: boolean }) {
  return (
    <>
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
