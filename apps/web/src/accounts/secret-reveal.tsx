/** A secret shown once (an API token, an invitation link), with a copy button. */
import { CopyButton } from '../ui/copy-button.tsx';

export function SecretReveal({
  label,
  secret,
  note,
  testId,
}: {
  label: string;
  secret: string;
  note: string;
  testId: string;
}) {
  return (
    <div className="secret-reveal" data-testid={testId}>
      <div className="field__label">{label}</div>
      <div className="secret-reveal__row">
        <code className="secret-reveal__value" data-testid={`${testId}-value`}>
          {secret}
        </code>
        <CopyButton text={secret} testId={`${testId}-copy`} />
      </div>
      <p className="field__hint">{note}</p>
    </div>
  );
}
