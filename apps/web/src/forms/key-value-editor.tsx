/** Editor for `Record<string, string>` config: the default widget of a record of strings. */
import { useState } from 'react';
import { PlusIcon, XIcon } from '../ui/icons.tsx';
import { pathDropHandlers } from './expressions/path-drop-handlers.ts';

type Row = { key: string; value: string };

function toRows(value: unknown): Row[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).map(([key, v]) => ({
    key,
    value: typeof v === 'string' ? v : JSON.stringify(v),
  }));
}

function toRecord(rows: readonly Row[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const row of rows) if (row.key.trim()) record[row.key.trim()] = row.value;
  return record;
}

/**
 * Rows are local state so a half-typed row (empty key, duplicate key) survives re-renders;
 * the config only ever receives the clean record.
 */
export function KeyValueEditor({
  testId,
  value,
  onChange,
  invalid,
  valuePlaceholder = 'Value',
  acceptsPaths = false,
}: {
  /** Test id of the editor; its rows and add button extend it. */
  testId: string;
  value: unknown;
  onChange: (next: Record<string, string>) => void;
  invalid: boolean;
  /** E.g. "Value or {{ JSONata }}" when the values are templates. */
  valuePlaceholder?: string | undefined;
  /** Values are templates: a data-tree path dropped on one goes in as `{{ path }}`. */
  acceptsPaths?: boolean | undefined;
}) {
  const [rows, setRows] = useState<Row[]>(() => toRows(value));

  const commit = (next: Row[]) => {
    setRows(next);
    onChange(toRecord(next));
  };
  const setValue = (index: number, value: string) =>
    commit(rows.map((r, i) => (i === index ? { ...r, value } : r)));

  return (
    <div className={`kv-editor${invalid ? ' is-invalid' : ''}`} data-testid={testId}>
      {rows.length > 0 && (
        <div className="kv-editor__rows">
          {rows.map((row, index) => (
            // Rows have no identity beyond position while being typed.
            <div className="kv-editor__row" key={index}>
              <input
                className="input input--sm mono nodrag"
                placeholder="Key"
                value={row.key}
                data-testid={`${testId}-key-${index}`}
                onChange={(e) =>
                  commit(rows.map((r, i) => (i === index ? { ...r, key: e.target.value } : r)))
                }
              />
              <input
                className="input input--sm mono nodrag"
                placeholder={valuePlaceholder}
                value={row.value}
                data-testid={`${testId}-value-${index}`}
                onChange={(e) => setValue(index, e.target.value)}
                {...(acceptsPaths
                  ? pathDropHandlers('template', row.value, (next) => setValue(index, next))
                  : {})}
              />
              <button
                type="button"
                className="icon-button icon-button--sm"
                aria-label={`Remove ${row.key || 'row'}`}
                onClick={() => commit(rows.filter((_, i) => i !== index))}
              >
                <XIcon size={13} />
              </button>
            </div>
          ))}
        </div>
      )}
      <button
        type="button"
        className="btn btn--ghost btn--xs kv-editor__add"
        data-testid={`${testId}-add`}
        onClick={() => setRows([...rows, { key: '', value: '' }])}
      >
        <PlusIcon size={13} /> Add entry
      </button>
    </div>
  );
}
