/** A new password typed twice, with the server's length rule checked as the user types. */
import { TextField } from '../ui/text-field.tsx';

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
  const problem = newPasswordProblem(password, confirmation);
  return (
    <>
      <TextField
        label={label}
        type="password"
        autoComplete="new-password"
        value={password}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        testId="new-password"
        onChange={onPassword}
      />
      <TextField
        label="Repeat the password"
        type="password"
        autoComplete="new-password"
        value={confirmation}
        testId="new-password-confirm"
        onChange={onConfirmation}
      />
      {password && confirmation && problem && <p className="form-error">{problem}</p>}
    </>
  );
}
