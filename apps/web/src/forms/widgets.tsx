/**
 * The widget map: one component per widget name a form field can have (schema-form-fields.ts
 * picks the name from the property's `x-ui` hint or its JSON Schema type). A new widget is one
 * entry here.
 */
import type { ReactNode } from 'react';
import { CredentialPicker } from '../credentials/credential-picker.tsx';
import { FlowPicker } from '../flows/flow-picker.tsx';
import type { ExpressionFieldKind } from './expressions/expression-drop.ts';
import { ExpressionField } from './expressions/expression-field.tsx';
import { pathDropHandlers } from './expressions/path-drop-handlers.ts';
import { JsonField } from './json-field.tsx';
import { KeyValueEditor } from './key-value-editor.tsx';
import { ObjectWidget } from './object-widget.tsx';
import type {
  EnumValue,
  FieldOfWidget,
  FormField,
  TextWidget,
  WidgetName,
} from './schema-form-fields.ts';

/**
 * `config`: a missing value is the schema default, shown as the value. `override`: a missing
 * value means "use the default", which `field.defaultValue` holds (the effective one) and the
 * control shows as a placeholder or a "Default (…)" choice; choosing it again clears the field.
 */
export type FieldMode = 'config' | 'override';

export type WidgetProps<F extends FormField = FormField> = {
  field: F;
  value: unknown;
  invalid: boolean;
  onChange: (value: unknown) => void;
  /** Element id and test id of the control. */
  controlId: string;
  mode: FieldMode;
  /** Overrides the field's placeholder, e.g. "Unlimited" for a limit with no default. */
  placeholder: string | undefined;
};

/** The props of the widget named W. */
export type PropsOf<W extends WidgetName> = WidgetProps<FieldOfWidget<W>>;

type Widget<W extends WidgetName> = (props: WidgetProps<FieldOfWidget<W>>) => ReactNode;
type TextField = FieldOfWidget<TextWidget>;

// Text in these widgets is code or a template: monospaced and not spell-checked.
const MONOSPACE: ReadonlySet<TextWidget> = new Set(['template', 'jsonata', 'sql', 'code', 'cron']);

const TEXT_TITLES: Partial<Record<TextWidget, string>> = {
  template: 'Text with {{ JSONata }} parts',
  jsonata: 'A JSONata expression',
};

function textChange(field: FormField, onChange: (value: unknown) => void) {
  return (text: string) => onChange(text === '' && !field.required ? undefined : text);
}

function textPlaceholder(props: WidgetProps<TextField>): string | undefined {
  const { field, placeholder } = props;
  if (placeholder !== undefined || field.placeholder !== undefined) {
    return placeholder ?? field.placeholder;
  }
  // A secret's default is never shown, even as a placeholder.
  return field.widget !== 'secret' && typeof field.defaultValue === 'string'
    ? field.defaultValue
    : undefined;
}

let timeZones: readonly string[] | undefined;
function supportedTimeZones(): readonly string[] {
  timeZones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
  return timeZones;
}

/** Widgets whose text is an expression: edited with the expression editor, paths droppable. */
function expressionKindOf(widget: TextWidget): ExpressionFieldKind | undefined {
  return widget === 'jsonata' || widget === 'template' ? widget : undefined;
}

function PlainTextControl(props: WidgetProps<TextField>) {
  const { field, value, invalid, onChange, controlId } = props;
  const text = typeof value === 'string' ? value : '';
  const monospace = MONOSPACE.has(field.widget);
  const change = textChange(field, onChange);
  const title = TEXT_TITLES[field.widget];
  const kind = expressionKindOf(field.widget);
  const drop = kind ? pathDropHandlers(kind, text, change) : {};
  if (field.multiline && field.widget !== 'secret') {
    return (
      <textarea
        id={controlId}
        className={`input textarea nodrag${monospace ? ' mono' : ''}${invalid ? ' is-invalid' : ''}`}
        rows={Math.min(12, Math.max(monospace ? 4 : 3, text.split('\n').length + 1))}
        value={text}
        placeholder={textPlaceholder(props)}
        spellCheck={!monospace}
        title={title}
        data-widget={field.widget}
        data-testid={controlId}
        onChange={(e) => change(e.target.value)}
        {...drop}
      />
    );
  }
  const listId = field.widget === 'timezone' ? `${controlId}-zones` : undefined;
  return (
    <>
      <input
        id={controlId}
        className={`input nodrag${monospace ? ' mono' : ''}${invalid ? ' is-invalid' : ''}`}
        type={field.widget === 'secret' ? 'password' : 'text'}
        autoComplete={field.widget === 'secret' ? 'new-password' : 'off'}
        value={text}
        placeholder={textPlaceholder(props)}
        spellCheck={false}
        title={title}
        list={listId}
        data-widget={field.widget}
        data-testid={controlId}
        onChange={(e) => change(e.target.value)}
        {...drop}
      />
      {listId && (
        <datalist id={listId}>
          {supportedTimeZones().map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      )}
    </>
  );
}

/** JSONata and templates: the expression editor, the plain control until it has loaded. */
function TextWidgetControl(props: WidgetProps<TextField>) {
  const { field, value, invalid, onChange, controlId } = props;
  const kind = expressionKindOf(field.widget);
  if (!kind) return <PlainTextControl {...props} />;
  return (
    <ExpressionField
      kind={kind}
      multiline={field.multiline}
      value={typeof value === 'string' ? value : ''}
      onChange={textChange(field, onChange)}
      controlId={controlId}
      field={field.name}
      invalid={invalid}
      placeholder={textPlaceholder(props)}
      title={TEXT_TITLES[field.widget]}
      plain={<PlainTextControl {...props} />}
    />
  );
}

/**
 * A credential reference: the vault's picker, offering the credentials of the types the field
 * accepts (and "Create new…" for admins). The value is the id, or `{ [idProperty]: id }` when
 * the schema wraps it in an object (the HTTP node's `auth: { credentialId }`).
 */
function CredentialWidget({ field, value, onChange, controlId }: PropsOf<'credential'>) {
  const key = field.idProperty;
  const id =
    key && typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)[key]
      : value;
  return (
    <CredentialPicker
      id={controlId}
      testId={controlId}
      value={typeof id === 'string' ? id : undefined}
      acceptedTypes={field.credentialTypes.length > 0 ? field.credentialTypes : undefined}
      onChange={(credentialId) =>
        onChange(
          credentialId === undefined ? undefined : key ? { [key]: credentialId } : credentialId,
        )
      }
    />
  );
}

/** Another flow, by id (a flow's error flow). */
function FlowWidget({ value, invalid, onChange, controlId }: PropsOf<'flow'>) {
  return (
    <FlowPicker
      id={controlId}
      testId={controlId}
      value={typeof value === 'string' ? value : undefined}
      invalid={invalid}
      onChange={onChange}
    />
  );
}

function SelectWidget({ field, value, invalid, onChange, controlId, mode }: PropsOf<'select'>) {
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

function ToggleWidget({ value, onChange, controlId }: PropsOf<'toggle'>) {
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

function NumberWidget({
  field,
  value,
  invalid,
  onChange,
  controlId,
  placeholder,
}: PropsOf<'number'>) {
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
        field.placeholder ??
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

function KeyValueWidget({ field, value, invalid, onChange, controlId }: PropsOf<'keyValue'>) {
  return (
    <KeyValueEditor
      testId={controlId}
      value={value}
      invalid={invalid}
      onChange={onChange}
      valuePlaceholder={field.valueWidget === 'template' ? 'Value or {{ JSONata }}' : 'Value'}
      acceptsPaths={field.valueWidget === 'template'}
    />
  );
}

function JsonWidget({ field, value, invalid, onChange, controlId, mode }: PropsOf<'json'>) {
  return (
    <JsonField
      id={controlId}
      value={value}
      invalid={invalid}
      onChange={onChange}
      placeholder={
        mode === 'override' && field.defaultValue !== undefined
          ? JSON.stringify(field.defaultValue)
          : field.placeholder
      }
      compact={mode === 'override'}
    />
  );
}

export const WIDGETS: { readonly [W in WidgetName]: Widget<W> } = {
  text: TextWidgetControl,
  template: TextWidgetControl,
  jsonata: TextWidgetControl,
  sql: TextWidgetControl,
  code: TextWidgetControl,
  secret: TextWidgetControl,
  cron: TextWidgetControl,
  timezone: TextWidgetControl,
  credential: CredentialWidget,
  flow: FlowWidget,
  select: SelectWidget,
  toggle: ToggleWidget,
  number: NumberWidget,
  keyValue: KeyValueWidget,
  object: ObjectWidget,
  json: JsonWidget,
};

/** The control for a field, looked up by its widget name. */
export function WidgetControl(props: WidgetProps) {
  // Sound: WIDGETS maps each name to the widget for fields of that name.
  const Control = WIDGETS[props.field.widget] as (props: WidgetProps) => ReactNode;
  return <Control {...props} />;
}
