/** `/invite?token=…`: an invited user chooses a password, then is signed in. */
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useSearch } from 'wouter';
import { errorMessage } from '../api/api-error.ts';
import { useTRPC } from '../trpc.ts';
import { TextField } from '../ui/text-field.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { NewPasswordFields, newPasswordProblem } from './password-fields.tsx';
import { useSignInAsNewUser } from './use-sign-in-as-new-user.ts';

export function InvitePage() {
  const trpc = useTRPC();
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const invitation = useQuery(
    trpc.auth.invitation.queryOptions({ token }, { enabled: token.length > 0, retry: false }),
  );
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const enter = useSignInAsNewUser();
  const accept = useMutation(
    trpc.auth.acceptInvite.mutationOptions({
      onSuccess: ({ email }) => enter.signIn(email, password),
    }),
  );
  const problem = newPasswordProblem(password, confirmation);

  if (!token || invitation.isError) {
    return (
      <AuthLayout title="Invitation" testId="invite-page">
        <p className="form-error">
          {invitation.isError
            ? errorMessage(invitation.error)
            : 'This link is incomplete. Open the whole link you were sent.'}
        </p>
      </AuthLayout>
    );
  }
  if (!invitation.data) return <div className="page-loading">Loading invitation…</div>;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (problem) return;
    accept.mutate({ token, password, ...(name.trim() ? { name } : {}) });
  };

  return (
    <AuthLayout
      title="Join Patchbay"
      subtitle={
        <>
          Choose a password for <strong>{invitation.data.email}</strong> ({invitation.data.role}).
        </>
      }
      testId="invite-page"
    >
      <form className="form-fields" onSubmit={submit}>
        <TextField
          label="Name"
          optional
          autoComplete="name"
          placeholder={invitation.data.name ?? ''}
          value={name}
          onChange={setName}
        />
        <NewPasswordFields
          password={password}
          confirmation={confirmation}
          onPassword={setPassword}
          onConfirmation={setConfirmation}
        />
        {accept.isError && <p className="form-error">{errorMessage(accept.error)}</p>}
        {enter.error && <p className="form-error">{enter.error}</p>}
        <button
          type="submit"
          className="btn btn--primary auth-card__submit"
          disabled={Boolean(problem) || accept.isPending}
          data-testid="invite-submit"
        >
          {accept.isPending ? 'Saving…' : 'Set password and sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
