/** `/account` — who you are signed in as, and changing your password. */
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/api-error.ts';
import { NewPasswordFields, newPasswordProblem } from '../auth/password-fields.tsx';
import { ROLE_DESCRIPTIONS } from '../auth/roles.ts';
import { useSessionUser } from '../auth/session.ts';
import { useTRPC } from '../trpc.ts';
import { TextField } from '../ui/text-field.tsx';
import { toast } from '../ui/toast-store.ts';

export function AccountPage() {
  const trpc = useTRPC();
  const me = useSessionUser();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrent('');
        setPassword('');
        setConfirmation('');
        toast({ tone: 'success', title: 'Password changed', detail: 'Your other sessions ended.' });
      },
    }),
  );
  const problem = newPasswordProblem(password, confirmation);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (problem || !current) return;
    change.mutate({ currentPassword: current, newPassword: password });
  };

  return (
    <div className="page page--narrow" data-testid="account-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Your account</h1>
          <p className="page-subtitle">
            {me.email} · <strong>{me.role}</strong>: {ROLE_DESCRIPTIONS[me.role].toLowerCase()}.
          </p>
        </div>
      </header>
      <div className="card card--padded">
        <h2 className="section-title">Change password</h2>
        <form className="form-fields" onSubmit={submit}>
          <TextField
            label="Current password"
            type="password"
            autoComplete="current-password"
            value={current}
            testId="current-password"
            onChange={setCurrent}
          />
          <NewPasswordFields
            label="New password"
            password={password}
            confirmation={confirmation}
            onPassword={setPassword}
            onConfirmation={setConfirmation}
          />
          {change.isError && <p className="form-error">{errorMessage(change.error)}</p>}
          <div>
            <button
              type="submit"
              className="btn btn--primary"
              disabled={Boolean(problem) || !current || change.isPending}
              data-testid="change-password-submit"
            >
              {change.isPending ? 'Saving…' : 'Change password'}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
