/** A new password typed twice, with the server's length rule checked as the user types. */
import { useId } from 'react';

export const MIN_PASSWORD_LENGTH = 8;

export function newPasswordProblem(password: string, confirmation: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  }
  if (password !== confirmation) return 'The two passwords are not the same';
  return undefined;
}

export function NewPasswordFields({
  password,
  confirmation,
  onPassword,
  onConfirmation,
  label = 'Password',
}: {
  password: string;
  confirmation: string;
  onPassword: (value: string) => void;
  onConfirmation: (value: string) => void;
  label?: string;
}) {
  const id = useId();
  return (
    <>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-password`}>
          {label}
        </label>
        <input
          id={`${id}-password`}
          className="input"
          type="password"
          autoComplete="new-password"
          value={password}
          data-testid="new-password"
          onChange={(e) => onPassword(e.target.value)}
        />
        <span className="field__hint">At least {MIN_PASSWORD_LENGTH} characters.</span>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-confirm`}>
          Repeat the password
        </label>
        <input
          id={`${id}-confirm`}
          className="input"
          type="password"
          autoComplete="new-password"
          value={confirmation}
          data-testid="new-password-confirm"
          onChange={(e) => onConfirmation(e.target.value)}
        />
      </div>
    </>
  );
}
