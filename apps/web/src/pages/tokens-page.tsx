/** `/tokens` — API tokens: one's own (admins may show everyone's), create and revoke. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CreateTokenDialog } from '../accounts/create-token-dialog.tsx';
import { errorMessage } from '../api/api-error.ts';
import type { RouterOutputs } from '../api/types.ts';
import { useCan } from '../auth/session.ts';
import { useTRPC } from '../trpc.ts';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { KeyIcon, PlusIcon } from '../ui/icons.tsx';
import { RelativeTime } from '../ui/relative-time.tsx';

type Token = RouterOutputs['tokens']['list'][number];

export function TokensPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const isAdmin = useCan('admin');
  const [everyone, setEveryone] = useState(false);
  const tokens = useQuery(trpc.tokens.list.queryOptions({ all: everyone }));
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
        setRevoking(null);
      },
    }),
  );

  return (
    <div className="page" data-testid="tokens-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">API tokens</h1>
          <p className="page-subtitle">
            For scripts and CI: send <code>Authorization: Bearer &lt;token&gt;</code> to{' '}
            <code>/trpc</code>. A token acts with its role, never more than yours.
          </p>
        </div>
        <div className="page-header__actions">
          {isAdmin && (
            <label className="checkbox-label">
              <input
                type="checkbox"
                checked={everyone}
                onChange={(e) => setEveryone(e.target.checked)}
              />
              Everyone's tokens
            </label>
          )}
          <button
            type="button"
            className="btn btn--primary"
            onClick={() => setCreating(true)}
            data-testid="create-token"
          >
            <PlusIcon size={15} /> New token
          </button>
        </div>
      </header>
      {tokens.isError && (
        <div className="callout callout--danger">{errorMessage(tokens.error)}</div>
      )}
      <div className="card">
        <table className="table" data-testid="tokens-table">
          <thead>
            <tr>
              <th>Name</th>
              {everyone && <th>User</th>}
              <th>Role</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th className="actions-col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.isSuccess && tokens.data.length === 0 && (
              <tr>
                <td colSpan={everyone ? 7 : 6} className="table__empty">
                  <KeyIcon size={14} /> No tokens yet.
                </td>
              </tr>
            )}
            {(tokens.data ?? []).map((token) => (
              <tr key={token.id} data-testid={`token-row-${token.name}`}>
                <td>
                  <div>{token.name}</div>
                  <div className="muted small mono">{token.prefix}…</div>
                </td>
                {everyone && <td className="small">{token.userEmail}</td>}
                <td>{token.role}</td>
                <td className="muted small">
                  <RelativeTime iso={token.createdAt} />
                </td>
                <td className="muted small">
                  {token.lastUsedAt ? <RelativeTime iso={token.lastUsedAt} /> : 'Never'}
                </td>
                <td className="muted small">
                  {token.revokedAt ? (
                    <span className="chip chip--muted">Revoked</span>
                  ) : token.expiresAt ? (
                    <RelativeTime iso={token.expiresAt} />
                  ) : (
                    'Never'
                  )}
                </td>
                <td className="actions-col">
                  {!token.revokedAt && (
                    <button
                      type="button"
                      className="btn btn--xs btn--danger-ghost"
                      data-testid={`revoke-token-${token.name}`}
                      onClick={() => setRevoking(token)}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CreateTokenDialog open={creating} onClose={() => setCreating(false)} />
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title="Revoke this token?"
        testId="revoke-token-dialog"
        description={`Anything using "${revoking?.name ?? ''}" stops working at once. This cannot be undone.`}
        confirmLabel="Revoke"
        pendingLabel="Revoking…"
        confirmTestId="revoke-token-confirm"
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
      />
    </div>
  );
}
