/** The sign-in form. On success the whole app reloads its data as the signed-in user. */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { AuthLayout } from './auth-layout.tsx';
import { requestSignIn } from './sign-in-request.ts';

export function SignInPage({ notice }: { notice?: string | undefined }) {
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
    <AuthLayout title="Sign in" subtitle={notice} testId="sign-in-page">
      <form className="form-fields" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label className="field__label" htmlFor="sign-in-email">
            Email
          </label>
          <input
            id="sign-in-email"
            className="input"
            type="email"
            autoComplete="username"
            // biome-ignore lint/a11y/noAutofocus: the page exists to type into this field
            autoFocus
            value={email}
            data-testid="sign-in-email"
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor="sign-in-password">
            Password
          </label>
          <input
            id="sign-in-password"
            className="input"
            type="password"
            autoComplete="current-password"
            value={password}
            data-testid="sign-in-password"
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
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
