/** `/users` (admins) — everyone who can sign in: roles, status, invitations, deactivation. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { AddUserDialog } from '../accounts/add-user-dialog.tsx';
import { RoleSelect } from '../accounts/role-select.tsx';
import { errorMessage } from '../api/api-error.ts';
import type { RouterOutputs } from '../api/types.ts';
import { roleAtLeast } from '../auth/roles.ts';
import { useSessionUser } from '../auth/session.ts';
import { useTRPC } from '../trpc.ts';
import { PlusIcon } from '../ui/icons.tsx';
import { RelativeTime } from '../ui/relative-time.tsx';
import { toast } from '../ui/toast-store.ts';

type UserRow = RouterOutputs['users']['list'][number];

export function UsersPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useSessionUser();
  const users = useQuery(trpc.users.list.queryOptions());
  const [adding, setAdding] = useState(false);
  const update = useMutation(
    trpc.users.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() }),
      onError: (error) =>
        toast({ tone: 'error', title: 'Could not change the user', detail: errorMessage(error) }),
    }),
  );

  /** Only an owner changes an owner; nobody deactivates themselves. */
  const mayChange = (user: UserRow) => user.role !== 'owner' || roleAtLeast(me.role, 'owner');

  return (
    <div className="page" data-testid="users-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Users</h1>
          <p className="page-subtitle">
            Who can sign in, and what their role lets them do. Viewers read; editors also edit and
            run; admins also manage users and breakers; owners can do everything.
          </p>
        </div>
        <div className="page-header__actions">
          <button
            type="button"
            className="btn btn--primary"
            onClick={() => setAdding(true)}
            data-testid="add-user"
          >
            <PlusIcon size={15} /> Add user
          </button>
        </div>
      </header>
      {users.isError && <div className="callout callout--danger">{errorMessage(users.error)}</div>}
      <div className="card">
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th>User</th>
              <th>Role</th>
              <th>Status</th>
              <th>Last sign-in</th>
              <th className="actions-col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(users.data ?? []).map((user) => (
              <tr key={user.id} data-testid={`user-row-${user.email}`}>
                <td>
                  <div>{user.name ?? user.email}</div>
                  {user.name && <div className="muted small">{user.email}</div>}
                </td>
                <td>
                  <RoleSelect
                    value={user.role}
                    maxRole={me.role}
                    disabled={!mayChange(user) || update.isPending}
                    testId={`user-role-${user.email}`}
                    onChange={(role) => update.mutate({ id: user.id, role })}
                  />
                </td>
                <td>
                  {!user.active ? (
                    <span className="chip chip--muted">Deactivated</span>
                  ) : user.pending ? (
                    <span className="chip">Invited</span>
                  ) : (
                    <span className="chip">Active</span>
                  )}
                </td>
                <td className="muted small">
                  {user.lastSignInAt ? <RelativeTime iso={user.lastSignInAt} /> : 'Never'}
                </td>
                <td className="actions-col">
                  {user.id !== me.userId && mayChange(user) && (
                    <button
                      type="button"
                      className={`btn btn--xs ${user.active ? 'btn--danger-ghost' : 'btn--ghost'}`}
                      disabled={update.isPending}
                      data-testid={`user-active-${user.email}`}
                      onClick={() => update.mutate({ id: user.id, active: !user.active })}
                    >
                      {user.active ? 'Deactivate' : 'Reactivate'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <AddUserDialog open={adding} onClose={() => setAdding(false)} />
    </div>
  );
}
