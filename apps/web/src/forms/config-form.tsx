/** The inspector's config form, generated from the node type's JSON Schema. */
import type { ValidationIssue } from '../api/types.ts';
import { cachedFormFields } from '../node-types/config-summary.ts';
import { conciseIssueMessage } from '../ui/issue-list.tsx';
import { JsonField } from './json-field.tsx';
import { KeyValueEditor } from './key-value-editor.tsx';
import type { EnumValue, FormField } from './schema-form-fields.ts';

/** The config field an issue points at: `['url']`, `['config','url']` or `['nodes',0,'config','url']`. */
export function issueFieldName(issue: ValidationIssue): string | undefined {
  if (issue.code !== 'node.invalid_config') return undefined;
  const configAt = issue.path.indexOf('config');
  const field = configAt >= 0 ? issue.path[configAt + 1] : issue.path[0];
  return typeof field === 'string' ? field : undefined;
}

type FieldProps<K extends FormField['kind']> = {
  field: Extract<FormField, { kind: K }>;
  value: unknown;
  invalid: boolean;
  onChange: (value: unknown) => void;
};

function TextControl({ field, value, invalid, onChange }: FieldProps<'text'>) {
  return (
    <input
      id={`field-${field.name}`}
      className={`input nodrag${invalid ? ' is-invalid' : ''}`}
      value={typeof value === 'string' ? value : ''}
      placeholder={
        field.placeholder ??
        (typeof field.defaultValue === 'string' ? field.defaultValue : undefined)
      }
      spellCheck={false}
      data-testid={`field-${field.name}`}
      onChange={(e) =>
        onChange(e.target.value === '' && !field.required ? undefined : e.target.value)
      }
    />
  );
}

function TextareaControl({ field, value, invalid, onChange }: FieldProps<'textarea'>) {
  const text = typeof value === 'string' ? value : '';
  return (
    <textarea
      id={`field-${field.name}`}
      className={`input textarea nodrag${field.monospace ? ' mono' : ''}${invalid ? ' is-invalid' : ''}`}
      rows={Math.min(12, Math.max(field.monospace ? 4 : 3, text.split('\n').length + 1))}
      value={text}
      spellCheck={!field.monospace}
      data-testid={`field-${field.name}`}
      onChange={(e) =>
        onChange(e.target.value === '' && !field.required ? undefined : e.target.value)
      }
    />
  );
}

function SelectControl({ field, value, invalid, onChange }: FieldProps<'select'>) {
  const index = (field.options as readonly unknown[]).indexOf(value);
  const allowEmpty = !field.required && field.defaultValue === undefined;
  return (
    <select
      id={`field-${field.name}`}
      className={`input select nodrag${invalid ? ' is-invalid' : ''}`}
      value={index >= 0 ? String(index) : ''}
      data-testid={`field-${field.name}`}
      onChange={(e) =>
        onChange(e.target.value === '' ? undefined : field.options[Number(e.target.value)])
      }
    >
      {(allowEmpty || index < 0) && <option value="">—</option>}
      {field.options.map((option: EnumValue, i) => (
        <option key={String(option)} value={String(i)}>
          {String(option)}
        </option>
      ))}
    </select>
  );
}

function ToggleControl({ field, value, onChange }: FieldProps<'toggle'>) {
  const on = value === true;
  return (
    <button
      id={`field-${field.name}`}
      type="button"
      role="switch"
      aria-checked={on}
      className={`toggle nodrag${on ? ' is-on' : ''}`}
      data-testid={`field-${field.name}`}
      onClick={() => onChange(!on)}
    >
      <span className="toggle__thumb" />
    </button>
  );
}

function NumberControl({ field, value, invalid, onChange }: FieldProps<'number'>) {
  return (
    <input
      id={`field-${field.name}`}
      type="number"
      className={`input nodrag${invalid ? ' is-invalid' : ''}`}
      value={typeof value === 'number' ? value : ''}
      step={field.integer ? 1 : 'any'}
      min={field.minimum}
      max={field.maximum}
      placeholder={typeof field.defaultValue === 'number' ? String(field.defaultValue) : undefined}
      data-testid={`field-${field.name}`}
      onChange={(e) => {
        const raw = e.target.value;
        onChange(raw === '' ? undefined : Number(raw));
      }}
    />
  );
}

function FieldControl({ field, value, invalid, onChange }: FieldProps<FormField['kind']>) {
  switch (field.kind) {
    case 'text':
      return <TextControl field={field} value={value} invalid={invalid} onChange={onChange} />;
    case 'textarea':
      return <TextareaControl field={field} value={value} invalid={invalid} onChange={onChange} />;
    case 'select':
      return <SelectControl field={field} value={value} invalid={invalid} onChange={onChange} />;
    case 'toggle':
      return <ToggleControl field={field} value={value} invalid={invalid} onChange={onChange} />;
    case 'number':
      return <NumberControl field={field} value={value} invalid={invalid} onChange={onChange} />;
    case 'keyValue':
      return (
        <KeyValueEditor name={field.name} value={value} invalid={invalid} onChange={onChange} />
      );
    case 'json':
      return <JsonField name={field.name} value={value} invalid={invalid} onChange={onChange} />;
  }
}

export function ConfigForm({
  schema,
  config,
  issues,
  onChange,
}: {
  schema: Record<string, unknown>;
  config: Record<string, unknown>;
  issues: readonly ValidationIssue[];
  onChange: (name: string, value: unknown) => void;
}) {
  const fields = cachedFormFields(schema);
  if (fields.length === 0) {
    return <p className="muted small">This node has nothing to configure.</p>;
  }
  return (
    <div className="form-fields">
      {fields.map((field) => {
        const fieldIssues = issues.filter((i) => issueFieldName(i) === field.name);
        const stored = config[field.name];
        // Show the default in controls whose "empty" state would misrepresent it.
        const shown =
          stored === undefined && ['select', 'toggle', 'keyValue'].includes(field.kind)
            ? field.defaultValue
            : stored;
        const inline = field.kind === 'toggle';
        return (
          <div key={field.name} className={`field${inline ? ' field--inline' : ''}`}>
            <div className="field__label-row">
              <label className="field__label" htmlFor={`field-${field.name}`}>
                {field.label}
                {field.required && (
                  <span className="field__required" title="Required">
                    *
                  </span>
                )}
              </label>
              {inline && (
                <FieldControl
                  field={field}
                  value={shown}
                  invalid={fieldIssues.length > 0}
                  onChange={(v) => onChange(field.name, v)}
                />
              )}
            </div>
            {field.description && <p className="field__hint">{field.description}</p>}
            {!inline && (
              <FieldControl
                field={field}
                value={shown}
                invalid={fieldIssues.length > 0}
                onChange={(v) => onChange(field.name, v)}
              />
            )}
            {fieldIssues.map((issue, index) => (
              <p
                key={`${index}-${issue.code}`}
                className="field__error"
                data-testid={`field-${field.name}-error`}
              >
                {conciseIssueMessage(issue)}
              </p>
            ))}
          </div>
        );
      })}
    </div>
  );
}
