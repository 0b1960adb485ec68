/** The sign-in form. On success the whole app reloads its data as the signed-in user. */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { TextField } from '../ui/text-field.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { requestSignIn } from './sign-in-request.ts';

export function SignInPage() {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await requestSignIn(email, password);
      await queryClient.invalidateQueries();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setPending(false);
    }
  };

  return (
    <AuthLayout title="Sign in" testId="sign-in-page">
      <form className="form-fields" onSubmit={(e) => void submit(e)}>
        <TextField
          label="Email"
          type="email"
          autoComplete="username"
          autoFocus
          value={email}
          testId="sign-in-email"
          onChange={setEmail}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          testId="sign-in-password"
          onChange={setPassword}
        />
        {error && (
          <p className="form-error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
        <button
          type="submit"
          className="btn btn--primary auth-card__submit"
          disabled={pending || !email.trim() || !password}
          data-testid="sign-in-submit"
        >
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
