/**
 * Form fields generated from a JSON Schema: the inspector's config form, and the same controls
 * for sparse overrides (a node's policy, a flow's settings) where empty means "the default".
 */
import type { ValidationIssue } from '../api/types.ts';
import { cachedFormFields } from '../node-types/config-summary.ts';
import { exactDuration } from '../ui/format.ts';
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

/**
 * `config`: a missing value is the schema default, shown as the value. `override`: a missing
 * value means "use the default", which `field.defaultValue` holds (the effective one) and the
 * control shows as a placeholder or a "Default (…)" choice; choosing it again clears the field.
 */
export type FieldMode = 'config' | 'override';

type ControlProps<K extends FormField['kind']> = {
  field: Extract<FormField, { kind: K }>;
  value: unknown;
  invalid: boolean;
  onChange: (value: unknown) => void;
  /** Element id and test id of the control. */
  controlId: string;
  mode: FieldMode;
  /** Overrides the text or number placeholder, e.g. "Unlimited" for a limit with no default. */
  placeholder: string | undefined;
};

function TextControl({
  field,
  value,
  invalid,
  onChange,
  controlId,
  placeholder,
}: ControlProps<'text'>) {
  return (
    <input
      id={controlId}
      className={`input nodrag${invalid ? ' is-invalid' : ''}`}
      value={typeof value === 'string' ? value : ''}
      placeholder={
        placeholder ??
        field.placeholder ??
        (typeof field.defaultValue === 'string' ? field.defaultValue : undefined)
      }
      spellCheck={false}
      data-testid={controlId}
      onChange={(e) =>
        onChange(e.target.value === '' && !field.required ? undefined : e.target.value)
      }
    />
  );
}

function TextareaControl({ field, value, invalid, onChange, controlId }: ControlProps<'textarea'>) {
  const text = typeof value === 'string' ? value : '';
  return (
    <textarea
      id={controlId}
      className={`input textarea nodrag${field.monospace ? ' mono' : ''}${invalid ? ' is-invalid' : ''}`}
      rows={Math.min(12, Math.max(field.monospace ? 4 : 3, text.split('\n').length + 1))}
      value={text}
      spellCheck={!field.monospace}
      data-testid={controlId}
      onChange={(e) =>
        onChange(e.target.value === '' && !field.required ? undefined : e.target.value)
      }
    />
  );
}

function SelectControl({
  field,
  value,
  invalid,
  onChange,
  controlId,
  mode,
}: ControlProps<'select'>) {
  const index = (field.options as readonly unknown[]).indexOf(value);
  const override = mode === 'override' && field.defaultValue !== undefined;
  const allowEmpty = override || (!field.required && field.defaultValue === undefined);
  return (
    <select
      id={controlId}
      className={`input select nodrag${invalid ? ' is-invalid' : ''}`}
      value={index >= 0 ? String(index) : ''}
      data-testid={controlId}
      onChange={(e) =>
        onChange(e.target.value === '' ? undefined : field.options[Number(e.target.value)])
      }
    >
      {(allowEmpty || index < 0) && (
        <option value="">{override ? `Default (${String(field.defaultValue)})` : '—'}</option>
      )}
      {field.options.map((option: EnumValue, i) => (
        <option key={String(option)} value={String(i)}>
          {String(option)}
        </option>
      ))}
    </select>
  );
}

function ToggleControl({ value, onChange, controlId }: ControlProps<'toggle'>) {
  const on = value === true;
  return (
    <button
      id={controlId}
      type="button"
      role="switch"
      aria-checked={on}
      className={`toggle nodrag${on ? ' is-on' : ''}`}
      data-testid={controlId}
      onClick={() => onChange(!on)}
    >
      <span className="toggle__thumb" />
    </button>
  );
}

function NumberControl({
  field,
  value,
  invalid,
  onChange,
  controlId,
  placeholder,
}: ControlProps<'number'>) {
  return (
    <input
      id={controlId}
      type="number"
      className={`input nodrag${invalid ? ' is-invalid' : ''}`}
      value={typeof value === 'number' ? value : ''}
      step={field.integer ? 1 : 'any'}
      min={field.minimum}
      max={field.maximum}
      placeholder={
        placeholder ??
        (typeof field.defaultValue === 'number' ? String(field.defaultValue) : undefined)
      }
      data-testid={controlId}
      onChange={(e) => {
        const raw = e.target.value;
        onChange(raw === '' ? undefined : Number(raw));
      }}
    />
  );
}

function FieldControl(props: ControlProps<FormField['kind']>) {
  const { field, value, invalid, onChange, controlId, mode } = props;
  switch (field.kind) {
    case 'text':
      return <TextControl {...props} field={field} />;
    case 'textarea':
      return <TextareaControl {...props} field={field} />;
    case 'select':
      return <SelectControl {...props} field={field} />;
    case 'toggle':
      return <ToggleControl {...props} field={field} />;
    case 'number':
      return <NumberControl {...props} field={field} />;
    case 'keyValue':
      return (
        <KeyValueEditor testId={controlId} value={value} invalid={invalid} onChange={onChange} />
      );
    case 'json':
      return (
        <JsonField
          id={controlId}
          value={value}
          invalid={invalid}
          onChange={onChange}
          placeholder={
            mode === 'override' && field.defaultValue !== undefined
              ? JSON.stringify(field.defaultValue)
              : undefined
          }
          compact={mode === 'override'}
        />
      );
  }
}

const SHOWS_DEFAULT_AS_VALUE: Record<FieldMode, ReadonlySet<FormField['kind']>> = {
  config: new Set(['select', 'toggle', 'keyValue']),
  // A switch has no empty state: it shows the default until the user flips it.
  override: new Set(['toggle']),
};

/** A millisecond field's value (or default) in a unit people read, when that is exact. */
function DurationHint({ field, value }: { field: FormField; value: unknown }) {
  if (field.kind !== 'number' || field.unit !== 'ms') return null;
  const ms = typeof value === 'number' ? value : field.defaultValue;
  const text = typeof ms === 'number' ? exactDuration(ms) : undefined;
  if (!text) return null;
  return (
    <span className={`field__unit-hint${typeof value === 'number' ? '' : ' is-default'}`}>
      = {text}
    </span>
  );
}

/** Kinds whose control is small enough to sit beside its label in the `row` layout. */
const ROW_KINDS: ReadonlySet<FormField['kind']> = new Set(['number', 'select']);

/**
 * One generated field: label, hint, control and the issues that point at it. `row` puts short
 * controls beside their label and the description in the label's tooltip, for long lists of
 * small values (a node's policy); other fields stay stacked.
 */
export function SchemaField({
  field,
  value,
  issues,
  onChange,
  controlId,
  mode = 'config',
  layout = 'stacked',
  label = field.label,
  placeholder,
}: {
  field: FormField;
  value: unknown;
  issues: readonly ValidationIssue[];
  onChange: (value: unknown) => void;
  /** Element id and test id of the control; its errors are `<controlId>-error`. */
  controlId: string;
  mode?: FieldMode | undefined;
  layout?: 'stacked' | 'row' | undefined;
  label?: string | undefined;
  placeholder?: string | undefined;
}) {
  const shown =
    value === undefined && SHOWS_DEFAULT_AS_VALUE[mode].has(field.kind)
      ? field.defaultValue
      : value;
  const change = (next: unknown) =>
    onChange(
      mode === 'override' && field.kind === 'toggle' && next === field.defaultValue
        ? undefined
        : next,
    );
  const inline = field.kind === 'toggle';
  const row = layout === 'row' && ROW_KINDS.has(field.kind);
  const tooltip = layout === 'row' && (row || inline) ? field.description : undefined;
  const control = (
    <FieldControl
      field={field}
      value={shown}
      invalid={issues.length > 0}
      onChange={change}
      controlId={controlId}
      mode={mode}
      placeholder={placeholder}
    />
  );
  return (
    <div className={`field${inline ? ' field--inline' : ''}${row ? ' field--row' : ''}`}>
      <div className="field__label-row">
        <label
          className={`field__label${tooltip ? ' has-tooltip' : ''}`}
          htmlFor={controlId}
          title={tooltip}
        >
          {label}
          {field.required && (
            <span className="field__required" title="Required">
              *
            </span>
          )}
        </label>
        {!inline && <DurationHint field={field} value={value} />}
        {(inline || row) && control}
      </div>
      {field.description && !tooltip && <p className="field__hint">{field.description}</p>}
      {!inline && !row && control}
      {issues.map((issue, index) => (
        <p
          key={`${index}-${issue.code}`}
          className="field__error"
          data-testid={`${controlId}-error`}
        >
          {conciseIssueMessage(issue)}
        </p>
      ))}
    </div>
  );
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
      {fields.map((field) => (
        <SchemaField
          key={field.name}
          field={field}
          value={config[field.name]}
          issues={issues.filter((i) => issueFieldName(i) === field.name)}
          onChange={(v) => onChange(field.name, v)}
          controlId={`field-${field.name}`}
        />
      ))}
    </div>
  );
}
