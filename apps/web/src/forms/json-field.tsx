/** Fallback editor for config values the form has no dedicated control for. */
import { useState } from 'react';

export function JsonField({
  name,
  value,
  onChange,
  invalid,
}: {
  name: string;
  value: unknown;
  onChange: (next: unknown) => void;
  invalid: boolean;
}) {
  const [text, setText] = useState(() =>
    value === undefined ? '' : JSON.stringify(value, null, 2),
  );
  const [parseError, setParseError] = useState<string | null>(null);

  return (
    <>
      <textarea
        className={`input textarea mono nodrag${invalid || parseError ? ' is-invalid' : ''}`}
        rows={Math.min(10, Math.max(3, text.split('\n').length))}
        spellCheck={false}
        value={text}
        placeholder="JSON value"
        data-testid={`field-${name}`}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          if (next.trim() === '') {
            setParseError(null);
            onChange(undefined);
            return;
          }
          try {
            const parsed: unknown = JSON.parse(next);
            setParseError(null);
            onChange(parsed);
          } catch (error) {
            setParseError(error instanceof Error ? error.message : 'Invalid JSON');
          }
        }}
      />
      {parseError && (
        <p className="field__error" data-testid={`field-${name}-parse-error`}>
          Not valid JSON: {parseError}
        </p>
      )}
    </>
  );
}
