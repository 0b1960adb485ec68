/**
 * `/credentials` — the vault: every credential with its type, the flows using it and when it
 * changed. Admins create, edit and delete; editors test; viewers read.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { errorMessage } from '../api/api-error.ts';
import { useCan } from '../auth/session.ts';
import type { CredentialView } from '../credentials/credential-fields.ts';
import { CredentialFormDialog } from '../credentials/credential-form-dialog.tsx';
import { useTRPC } from '../trpc.ts';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { KeyIcon, PlusIcon } from '../ui/icons.tsx';
import { RelativeTime } from '../ui/relative-time.tsx';

export function CredentialsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canManage = useCan('admin');
  const canUse = useCan('editor');
  const credentials = useQuery(trpc.credentials.list.queryOptions());
  const types = useQuery(trpc.credentials.types.queryOptions());
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<CredentialView | undefined>();
  const [deleting, setDeleting] = useState<CredentialView | null>(null);
  const [results, setResults] = useState<Record<string, { ok: boolean; message: string }>>({});
  const remove = useMutation(
    trpc.credentials.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.credentials.list.queryKey() });
        setDeleting(null);
      },
    }),
  );
  const test = useMutation(
    trpc.credentials.test.mutationOptions({
      onSuccess: (result, input) => setResults((current) => ({ ...current, [input.id]: result })),
      onError: (error, input) =>
        setResults((current) => ({
          ...current,
          [input.id]: { ok: false, message: errorMessage(error) },
        })),
    }),
  );
  const typeOf = (type: string) => types.data?.find((entry) => entry.type === type);

  return (
    <div className="page" data-testid="credentials-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Credentials</h1>
          <p className="page-subtitle">
            Secrets for the nodes of your flows, stored encrypted. Secret values are write-only:
            nobody can read them back, and runs show <code>***</code> where one would appear.
          </p>
        </div>
        {canManage && (
          <div className="page-header__actions">
            <button
              type="button"
              className="btn btn--primary"
              onClick={() => setCreating(true)}
              data-testid="create-credential"
            >
              <PlusIcon size={15} /> New credential
            </button>
          </div>
        )}
      </header>
      {credentials.isError && (
        <div className="callout callout--danger">{errorMessage(credentials.error)}</div>
      )}
      <div className="card">
        <table className="table" data-testid="credentials-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Used by</th>
              <th>Created</th>
              <th>Updated</th>
              <th className="actions-col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {credentials.isSuccess && credentials.data.length === 0 && (
              <tr>
                <td colSpan={6} className="table__empty">
                  <KeyIcon size={14} /> No credentials yet.
                </td>
              </tr>
            )}
            {(credentials.data ?? []).map((credential) => {
              const result = results[credential.id];
              const unset = Object.entries(credential.secrets)
                .filter(([, set]) => !set)
                .map(([field]) => field);
              return (
                <tr key={credential.id} data-testid={`credential-row-${credential.name}`}>
                  <td>
                    <div>{credential.name}</div>
                    {unset.length > 0 && (
                      <div className="muted small">Not set: {unset.join(', ')}</div>
                    )}
                    {result && (
                      <div
                        className={`small ${result.ok ? 'text-ok' : 'form-error'}`}
                        data-testid={`credential-test-result-${credential.name}`}
                      >
                        {result.ok ? '✓ ' : '✗ '}
                        {result.message}
                      </div>
                    )}
                  </td>
                  <td className="small">{typeOf(credential.type)?.title ?? credential.type}</td>
                  <td className="small">
                    {credential.usedBy.length === 0 ? (
                      <span className="muted">Not used</span>
                    ) : (
                      credential.usedBy.map((use, index) => (
                        <span key={use.flowId}>
                          {index > 0 && ', '}
                          <Link href={`/flows/${use.flowId}`}>{use.flowName}</Link>
                        </span>
                      ))
                    )}
                  </td>
                  <td className="muted small">
                    <RelativeTime iso={credential.createdAt} />
                  </td>
                  <td className="muted small">
                    <RelativeTime iso={credential.updatedAt} />
                  </td>
                  <td className="actions-col">
                    {canUse && typeOf(credential.type)?.testable && (
                      <button
                        type="button"
                        className="btn btn--xs btn--ghost"
                        disabled={test.isPending && test.variables?.id === credential.id}
                        data-testid={`test-credential-${credential.name}`}
                        onClick={() => test.mutate({ id: credential.id })}
                      >
                        {test.isPending && test.variables?.id === credential.id
                          ? 'Testing…'
                          : 'Test'}
                      </button>
                    )}
                    {canManage && (
                      <>
                        <button
                          type="button"
                          className="btn btn--xs btn--ghost"
                          data-testid={`edit-credential-${credential.name}`}
                          onClick={() => setEditing(credential)}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          className="btn btn--xs btn--danger-ghost"
                          data-testid={`delete-credential-${credential.name}`}
                          onClick={() => {
                            remove.reset();
                            setDeleting(credential);
                          }}
                        >
                          Delete
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <CredentialFormDialog open={creating} onClose={() => setCreating(false)} />
      <CredentialFormDialog
        open={editing !== undefined}
        credential={editing}
        onClose={() => setEditing(undefined)}
      />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete this credential?"
        testId="delete-credential-dialog"
        description={`"${deleting?.name ?? ''}" is deleted for good. Flows cannot use a deleted credential.`}
        confirmLabel="Delete"
        pendingLabel="Deleting…"
        confirmTestId="delete-credential-confirm"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
      />
    </div>
  );
}
