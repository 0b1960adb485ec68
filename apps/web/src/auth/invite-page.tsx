/** `/invite?token=…`: an invited user chooses a password, then is signed in. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { errorMessage } from '../api/api-error.ts';
import { useTRPC } from '../trpc.ts';
import { AuthLayout } from './auth-layout.tsx';
import { NewPasswordFields, newPasswordProblem } from './password-fields.tsx';
import { requestSignIn } from './sign-in-request.ts';

export function InvitePage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const invitation = useQuery(
    trpc.auth.invitation.queryOptions({ token }, { enabled: token.length > 0, retry: false }),
  );
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [signInError, setSignInError] = useState<string | null>(null);
  const accept = useMutation(
    trpc.auth.acceptInvite.mutationOptions({
      onSuccess: async ({ email }) => {
        try {
          await requestSignIn(email, password);
          navigate('/', { replace: true });
          await queryClient.invalidateQueries();
        } catch (failure) {
          setSignInError(failure instanceof Error ? failure.message : String(failure));
        }
      },
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
        <div className="field">
          <label className="field__label" htmlFor="invite-name">
            Name <span className="muted">(optional)</span>
          </label>
          <input
            id="invite-name"
            className="input"
            autoComplete="name"
            placeholder={invitation.data.name ?? ''}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <NewPasswordFields
          password={password}
          confirmation={confirmation}
          onPassword={setPassword}
          onConfirmation={setConfirmation}
        />
        {password && confirmation && problem && <p className="form-error">{problem}</p>}
        {accept.isError && <p className="form-error">{errorMessage(accept.error)}</p>}
        {signInError && <p className="form-error">{signInError}</p>}
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
