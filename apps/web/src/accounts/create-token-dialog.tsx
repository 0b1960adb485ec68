/** "New API token": name, role (up to one's own) and expiry; the token is shown once. */
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

const EXPIRY_OPTIONS = [
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
  { days: 0, label: 'Never' },
] as const;

export function CreateTokenDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useSessionUser();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(me.role === 'viewer' ? 'viewer' : 'editor');
  const [days, setDays] = useState<number>(90);
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() }),
    }),
  );

  const close = () => {
    setName('');
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name: name.trim(), role, ...(days > 0 ? { expiresInDays: days } : {}) });
  };

  return (
    <Dialog open={open} onClose={close} title="New API token" testId="create-token-dialog">
      {create.data ? (
        <div className="form-fields">
          <SecretReveal
            label={`Token "${create.data.name}" (${create.data.role})`}
            secret={create.data.token}
            note="Copy it now: Patchbay keeps only a hash and cannot show it again. Send it as Authorization: Bearer <token>."
            testId="new-token"
          />
          <div className="dialog__actions">
            <button type="button" className="btn btn--primary" onClick={close}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form className="form-fields" onSubmit={submit}>
          <TextField
            label="Name"
            autoFocus
            maxLength={100}
            placeholder="e.g. Deploy pipeline"
            value={name}
            testId="token-name"
            onChange={setName}
          />
          <div className="field">
            <label className="field__label" htmlFor="token-role">
              Role
            </label>
            <RoleSelect
              id="token-role"
              value={role}
              maxRole={me.role}
              testId="token-role"
              onChange={setRole}
            />
            <span className="field__hint">
              A token never has more rights than you have, now or later.
            </span>
          </div>
          <div className="field">
            <label className="field__label" htmlFor="token-expiry">
              Expires after
            </label>
            <select
              id="token-expiry"
              className="input select"
              value={days}
              onChange={(e) => setDays(Number(e.target.value))}
            >
              {EXPIRY_OPTIONS.map((option) => (
                <option key={option.days} value={option.days}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          {create.isError && <p className="form-error">{errorMessage(create.error)}</p>}
          <div className="dialog__actions">
            <button type="button" className="btn btn--ghost" onClick={close}>
              Cancel
            </button>
            <button
              type="submit"
              className="btn btn--primary"
              disabled={!name.trim() || create.isPending}
              data-testid="token-submit"
            >
              {create.isPending ? 'Creating…' : 'Create token'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
