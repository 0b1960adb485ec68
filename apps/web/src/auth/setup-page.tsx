/**
 * `/setup?token=…`: the first start's one-time link creates the owner, who is then signed in.
 * Without a valid link, the page says where to find one.
 */
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useSearch } from 'wouter';
import { errorMessage } from '../api/api-error.ts';
import { useTRPC } from '../trpc.ts';
import { TextField } from '../ui/text-field.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { NewPasswordFields, newPasswordProblem } from './password-fields.tsx';
import { useSignInAsNewUser } from './use-sign-in-as-new-user.ts';

export function SetupPage() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  if (!token) return <SetupNeeded />;
  return <CreateOwnerForm token={token} />;
}

/** Shown to anyone who opens Patchbay before the owner exists. */
export function SetupNeeded() {
  return (
    <AuthLayout title="Set up Patchbay" testId="setup-needed">
      <p className="muted">
        No user exists yet. Open the one-time setup link that <code>bash scripts/start.sh</code>{' '}
        printed in its terminal (its last line) to create the owner account, or start Patchbay with{' '}
        <code>PATCHBAY_ADMIN_EMAIL</code> and <code>PATCHBAY_ADMIN_PASSWORD</code> set.
      </p>
    </AuthLayout>
  );
}

function CreateOwnerForm({ token }: { token: string }) {
  const trpc = useTRPC();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const enter = useSignInAsNewUser();
  const setup = useMutation(
    trpc.auth.setup.mutationOptions({ onSuccess: (owner) => enter.signIn(owner.email, password) }),
  );
  const problem = newPasswordProblem(password, confirmation);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (problem || !email.trim()) return;
    setup.mutate({ token, email: email.trim(), password, ...(name.trim() ? { name } : {}) });
  };

  return (
    <AuthLayout
      title="Create the owner account"
      subtitle="The owner can do everything, including inviting the rest of the team."
      testId="setup-page"
    >
      <form className="form-fields" onSubmit={submit}>
        <TextField
          label="Email"
          type="email"
          autoComplete="username"
          autoFocus
          value={email}
          testId="setup-email"
          onChange={setEmail}
        />
        <TextField label="Name" optional autoComplete="name" value={name} onChange={setName} />
        <NewPasswordFields
          password={password}
          confirmation={confirmation}
          onPassword={setPassword}
          onConfirmation={setConfirmation}
        />
        {setup.isError && <p className="form-error">{errorMessage(setup.error)}</p>}
        {enter.error && <p className="form-error">{enter.error}</p>}
        <button
          type="submit"
          className="btn btn--primary auth-card__submit"
          disabled={Boolean(problem) || !email.trim() || setup.isPending}
          data-testid="setup-submit"
        >
          {setup.isPending ? 'Creating…' : 'Create owner and sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
