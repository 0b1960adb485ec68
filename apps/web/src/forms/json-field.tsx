/** Fallback editor for config values the form has no dedicated control for. */
import { useState } from 'react';

export function JsonField({
  id,
  value,
  onChange,
  invalid,
  placeholder = 'JSON value',
  compact = false,
  onValidityChange,
}: {
  /** Element id and test id of the textarea. */
  id: string;
  value: unknown;
  onChange: (next: unknown) => void;
  invalid: boolean;
  placeholder?: string | undefined;
  /** One line until the value needs more, for short values such as a list of numbers. */
  compact?: boolean;
  /** Told whether the text is valid JSON (or empty), for a form that must not commit bad text. */
  onValidityChange?: (valid: boolean) => void;
}) {
  const [text, setText] = useState(() =>
    value === undefined ? '' : JSON.stringify(value, null, 2),
  );
  const [parseError, setParseError] = useState<string | null>(null);

  return (
    <>
      <textarea
        className={`input textarea mono nodrag${compact ? ' textarea--compact' : ''}${invalid || parseError ? ' is-invalid' : ''}`}
        rows={Math.min(10, Math.max(compact ? 1 : 3, text.split('\n').length))}
        spellCheck={false}
        value={text}
        id={id}
        placeholder={placeholder}
        data-testid={id}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          if (next.trim() === '') {
            setParseError(null);
            onValidityChange?.(true);
            onChange(undefined);
            return;
          }
          try {
            const parsed: unknown = JSON.parse(next);
            setParseError(null);
            onValidityChange?.(true);
            onChange(parsed);
          } catch (error) {
            setParseError(error instanceof Error ? error.message : 'Invalid JSON');
            onValidityChange?.(false);
          }
        }}
      />
      {parseError && (
        <p className="field__error" role="alert" data-testid={`${id}-parse-error`}>
          Not valid JSON: {parseError}
        </p>
      )}
    </>
  );
}
