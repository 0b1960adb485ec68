/** A labelled text input with an optional hint: the building block of the app's small forms. */
import { type HTMLInputTypeAttribute, type ReactNode, useId } from 'react';

export function TextField({
  label,
  value,
  onChange,
  type = 'text',
  optional,
  hint,
  autoComplete,
  placeholder,
  maxLength,
  autoFocus,
  testId,
}: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  type?: HTMLInputTypeAttribute;
  /** Shows "(optional)" after the label. */
  optional?: boolean;
  hint?: ReactNode;
  autoComplete?: string;
  placeholder?: string;
  maxLength?: number;
  /** Focused when a dialog opens (data-autofocus) or the page loads. */
  autoFocus?: boolean;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
        {optional && <span className="muted"> (optional)</span>}
      </label>
      <input
        id={id}
        className="input"
        type={type}
        value={value}
        autoComplete={autoComplete}
        placeholder={placeholder}
        maxLength={maxLength}
        data-autofocus={autoFocus ? true : undefined}
        // biome-ignore lint/a11y/noAutofocus: only forms whose purpose is this field ask for it
        autoFocus={autoFocus}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint && <span className="field__hint">{hint}</span>}
    </div>
  );
}
