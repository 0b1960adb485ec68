/**
 * Form fields generated from a JSON Schema: the inspector's config form, and the same controls
 * for sparse overrides (a node's policy, a flow's settings) where empty means "the default".
 */
import { useMemo } from 'react';
import type { ValidationIssue } from '../api/types.ts';
import { cachedFormFields } from '../node-types/config-summary.ts';
import { exactDuration } from '../ui/format.ts';
import { conciseIssueMessage } from '../ui/issue-list.tsx';
import { ExpressionScopeContext } from './expressions/expression-scope-context.ts';
import { type FormField, isFieldShown, type WidgetName } from './schema-form-fields.ts';
import { type FieldMode, WidgetControl } from './widgets.tsx';

export type { FieldMode } from './widgets.tsx';

/** The config field an issue points at: `['url']`, `['config','url']` or `['nodes',0,'config','url']`. */
export function issueFieldName(issue: ValidationIssue): string | undefined {
  if (issue.code !== 'node.invalid_config') return undefined;
  const configAt = issue.path.indexOf('config');
  const field = configAt >= 0 ? issue.path[configAt + 1] : issue.path[0];
  return typeof field === 'string' ? field : undefined;
}

const SHOWS_DEFAULT_AS_VALUE: Record<FieldMode, ReadonlySet<WidgetName>> = {
  config: new Set(['select', 'toggle', 'keyValue']),
  // A switch has no empty state: it shows the default until the user flips it.
  override: new Set(['toggle']),
};

/** A millisecond field's value (or default) in a unit people read, when that is exact. */
function DurationHint({ field, value }: { field: FormField; value: unknown }) {
  if (field.widget !== 'number' || field.unit !== 'ms') return null;
  const ms = typeof value === 'number' ? value : field.defaultValue;
  const text = typeof ms === 'number' ? exactDuration(ms) : undefined;
  if (!text) return null;
  return (
    <span className={`field__unit-hint${typeof value === 'number' ? '' : ' is-default'}`}>
      = {text}
    </span>
  );
}

/** Widgets small enough to sit beside their label in the `row` layout. */
const ROW_WIDGETS: ReadonlySet<WidgetName> = new Set(['number', 'select']);

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
    value === undefined && SHOWS_DEFAULT_AS_VALUE[mode].has(field.widget)
      ? field.defaultValue
      : value;
  const change = (next: unknown) =>
    onChange(
      mode === 'override' && field.widget === 'toggle' && next === field.defaultValue
        ? undefined
        : next,
    );
  const inline = field.widget === 'toggle';
  const row = layout === 'row' && ROW_WIDGETS.has(field.widget);
  const tooltip = layout === 'row' && (row || inline) ? field.description : undefined;
  const control = (
    <WidgetControl
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
          id={`${controlId}-label`}
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

/**
 * A node's config: its fields in schema order, those whose `showIf` fails left out, and the
 * advanced ones in a collapsed group. A field with an issue is always shown, so no error hides.
 */
export function ConfigForm({
  schema,
  config,
  issues,
  onChange,
  nodeId,
}: {
  schema: Record<string, unknown>;
  config: Record<string, unknown>;
  issues: readonly ValidationIssue[];
  onChange: (name: string, value: unknown) => void;
  /** The node configured: its expression fields complete and preview from its upstream data. */
  nodeId?: string | undefined;
}) {
  const scope = useMemo(() => (nodeId === undefined ? null : { nodeId }), [nodeId]);
  const fields = cachedFormFields(schema);
  if (fields.length === 0) {
    return <p className="muted small">This node has nothing to configure.</p>;
  }
  const issuesOf = (field: FormField) => issues.filter((i) => issueFieldName(i) === field.name);
  const shown = fields.filter(
    (field) => isFieldShown(field, config, fields) || issuesOf(field).length > 0,
  );
  const render = (field: FormField) => (
    <SchemaField
      key={field.name}
      field={field}
      value={config[field.name]}
      issues={issuesOf(field)}
      onChange={(v) => onChange(field.name, v)}
      controlId={`field-${field.name}`}
    />
  );
  const advanced = shown.filter((field) => field.advanced);
  const form = (
    <div className="form-fields">
      {shown.filter((field) => !field.advanced).map(render)}
      {advanced.length > 0 && (
        <details
          className="form-advanced"
          open={advanced.some((field) => issuesOf(field).length > 0) || undefined}
          data-testid="config-advanced"
        >
          <summary className="form-advanced__summary">Advanced</summary>
          <div className="form-fields">{advanced.map(render)}</div>
        </details>
      )}
    </div>
  );
  return scope ? (
    <ExpressionScopeContext.Provider value={scope}>{form}</ExpressionScopeContext.Provider>
  ) : (
    form
  );
}
