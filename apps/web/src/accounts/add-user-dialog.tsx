/**
 * "Add user": invite by link (the user chooses their password) or create with a password. The
 * invitation link is shown once, for the admin to hand over.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/api-error.ts';
import type { Role } from '../auth/roles.ts';
import { useSessionUser } from '../auth/session.ts';
import { useTRPC } from '../trpc.ts';
import { Dialog } from '../ui/dialog.tsx';
import { TextField } from '../ui/text-field.tsx';
import { RoleSelect } from './role-select.tsx';
import { SecretReveal } from './secret-reveal.tsx';

type Mode = 'invite' | 'password';

export function AddUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useSessionUser();
  const [mode, setMode] = useState<Mode>('invite');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [password, setPassword] = useState('');
  const [inviteLink, setInviteLink] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const invite = useMutation(
    trpc.users.invite.mutationOptions({
      onSuccess: async ({ invitePath }) => {
        setInviteLink(new URL(invitePath, window.location.origin).toString());
        await refresh();
      },
    }),
  );
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async () => {
        await refresh();
        close();
      },
    }),
  );
  const pending = invite.isPending || create.isPending;
  const error = invite.error ?? create.error;

  const close = () => {
    setMode('invite');
    setEmail('');
    setName('');
    setPassword('');
    setInviteLink(null);
    invite.reset();
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const person = { email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}) };
    if (mode === 'invite') invite.mutate(person);
    else create.mutate({ ...person, password });
  };

  return (
    <Dialog open={open} onClose={close} title="Add a user" testId="add-user-dialog">
      {inviteLink ? (
        <div className="form-fields">
          <SecretReveal
            label={`Invitation link for ${email.trim()}`}
            secret={inviteLink}
            note="Send this link to them: it lets them choose a password, once, within 7 days. It is not shown again."
            testId="invite-link"
          />
          <div className="dialog__actions">
            <button type="button" className="btn btn--primary" onClick={close}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form className="form-fields" onSubmit={submit}>
          <div className="segmented" role="tablist" aria-label="How to add the user">
            {(['invite', 'password'] as const).map((option) => (
              <button
                key={option}
                type="button"
                role="tab"
                aria-selected={mode === option}
                className={`segmented__item${mode === option ? ' is-active' : ''}`}
                data-testid={`add-user-mode-${option}`}
                onClick={() => setMode(option)}
              >
                {option === 'invite' ? 'Invite with a link' : 'Set a password'}
              </button>
            ))}
          </div>
          <TextField
            label="Email"
            type="email"
            autoFocus
            value={email}
            testId="add-user-email"
            onChange={setEmail}
          />
          <TextField label="Name" optional value={name} onChange={setName} />
          <div className="field">
            <label className="field__label" htmlFor="add-user-role">
              Role
            </label>
            <RoleSelect
              id="add-user-role"
              value={role}
              maxRole={me.role}
              testId="add-user-role"
              onChange={setRole}
            />
          </div>
          {mode === 'password' && (
            <TextField
              label="Password"
              type="password"
              autoComplete="new-password"
              value={password}
              hint="At least 8 characters. Tell them to change it."
              testId="add-user-password"
              onChange={setPassword}
            />
          )}
          {error && <p className="form-error">{errorMessage(error)}</p>}
          <div className="dialog__actions">
            <button type="button" className="btn btn--ghost" onClick={close}>
              Cancel
            </button>
            <button
              type="submit"
              className="btn btn--primary"
              disabled={pending || !email.trim() || (mode === 'password' && password.length < 8)}
              data-testid="add-user-submit"
            >
              {mode === 'invite' ? 'Create invitation' : 'Create user'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
