/**
 * Turns a node type's config JSON Schema (zod's toJSONSchema output) into form field
 * descriptors. Pure, so the inspector form is generated, never hand-written per node type.
 * The widget, visibility, placeholder and grouping come from each property's `x-ui` hint
 * (packages/engine/src/connector/ui-hints.ts); without one, from its JSON Schema type alone.
 * Field names are only ever turned into labels, never read for meaning.
 */

export type EnumValue = string | number | boolean | null;

/** String widgets an `x-ui` hint may name; each edits a string value. */
export const TEXT_WIDGETS = [
  'text',
  'template',
  'jsonata',
  'sql',
  'code',
  'secret',
  'cron',
  'timezone',
] as const;
export type TextWidget = (typeof TEXT_WIDGETS)[number];

/** Every widget the form renders: hinted ones plus the defaults of JSON Schema types. */
export type WidgetName =
  | TextWidget
  | 'credential'
  | 'flow'
  | 'json'
  | 'select'
  | 'toggle'
  | 'number'
  | 'keyValue'
  | 'object';

/** Show a field only when a sibling has (or has not) one of these values. */
export type ShowIf = { field: string; equals: unknown } | { field: string; notEquals: unknown };

/** An `x-ui` hint as the web app reads it: unknown or mistyped parts are dropped. */
export type FieldHint = {
  widget?: string;
  credentialTypes?: string[];
  showIf?: ShowIf;
  secret?: boolean;
  placeholder?: string;
  advanced?: boolean;
  multiline?: boolean;
  unit?: string;
};

type FieldBase = {
  name: string;
  label: string;
  description: string | undefined;
  required: boolean;
  defaultValue: unknown;
  placeholder: string | undefined;
  /** Shown in the collapsed "Advanced" group. */
  advanced: boolean;
  showIf: ShowIf | undefined;
};

export type FormField =
  | (FieldBase & { widget: TextWidget; multiline: boolean })
  | (FieldBase & {
      widget: 'credential';
      credentialTypes: string[];
      /** The value is `{ [idProperty]: id }` when set, else the id itself. */
      idProperty: string | undefined;
    })
  | (FieldBase & { widget: 'select'; options: EnumValue[] })
  | (FieldBase & { widget: 'toggle' })
  | (FieldBase & {
      widget: 'number';
      integer: boolean;
      minimum: number | undefined;
      maximum: number | undefined;
      unit: string | undefined;
    })
  | (FieldBase & { widget: 'keyValue'; valueWidget: TextWidget })
  /** A nested object with declared properties (a webhook's `signature`): its own fields. */
  | (FieldBase & { widget: 'object'; fields: FormField[] })
  | (FieldBase & { widget: 'json' })
  | (FieldBase & { widget: 'flow' });

/** The field a widget edits: every text widget shares one field shape. */
export type FieldOfWidget<W extends WidgetName> = W extends TextWidget
  ? Extract<FormField, { widget: TextWidget }>
  : Extract<FormField, { widget: W }>;

type JsonSchema = Record<string, unknown>;

// Strings allowed to run this long are prose or code; shorter ones (ids, keys) fit on one line.
const LONG_STRING_LENGTH = 500;
const ACRONYMS = new Set(['http', 'https', 'url', 'uri', 'json', 'id', 'api', 'ip', 'jwt', 'xml']);
// Widgets whose text is code and rarely fits on one line.
const MULTILINE_BY_DEFAULT: ReadonlySet<TextWidget> = new Set(['jsonata', 'sql', 'code']);
const UI_HINT_KEY = 'x-ui';

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function schemaTypes(schema: JsonSchema): string[] {
  const type = schema.type;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}

/**
 * Strips the wrappers zod emits for optional/nullable/default values
 * (`anyOf: [X, {type:'null'}]`, `type: ['string','null']`) down to the one meaningful schema.
 */
export function unwrapSchema(schema: JsonSchema): JsonSchema {
  const union = Array.isArray(schema.anyOf)
    ? schema.anyOf
    : Array.isArray(schema.oneOf)
      ? schema.oneOf
      : undefined;
  if (union) {
    const members = union.filter(isSchema).filter((m) => !schemaTypes(m).includes('null'));
    const [only] = members;
    if (members.length === 1 && only) {
      const { anyOf: _a, oneOf: _o, ...outer } = schema;
      return unwrapSchema({ ...outer, ...only });
    }
    return schema;
  }
  const types = schemaTypes(schema).filter((t) => t !== 'null');
  const [single] = types;
  if (Array.isArray(schema.type) && types.length === 1 && single) {
    return { ...schema, type: single };
  }
  return schema;
}

function enumValues(schema: JsonSchema): EnumValue[] | undefined {
  const isEnumValue = (v: unknown): v is EnumValue =>
    v === null || ['string', 'number', 'boolean'].includes(typeof v);
  if (Array.isArray(schema.enum)) return schema.enum.filter(isEnumValue);
  if ('const' in schema && isEnumValue(schema.const)) return [schema.const];
  const union = Array.isArray(schema.anyOf) ? schema.anyOf : schema.oneOf;
  if (Array.isArray(union) && union.length > 0) {
    const consts = union.filter(isSchema).map((m) => m.const);
    if (consts.every(isEnumValue)) return consts;
  }
  return undefined;
}

/** The value schema of a record of strings (`additionalProperties` only), else undefined. */
function stringRecordValues(schema: JsonSchema): JsonSchema | undefined {
  if (!schemaTypes(schema).includes('object')) return undefined;
  const props = schema.properties;
  if (isSchema(props) && Object.keys(props).length > 0) return undefined;
  const extra = schema.additionalProperties;
  if (!isSchema(extra)) return undefined;
  const values = unwrapSchema(extra);
  return schemaTypes(values).includes('string') ? values : undefined;
}

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((w) => w.toLowerCase());
}

/** `failOnHttpError` -> "Fail on HTTP error"; with unit "ms", `timeoutMs` -> "Timeout (ms)". */
export function humanizeFieldName(name: string, unit?: string): string {
  const words = nameWords(name);
  // The unit comes from the hint; the name only loses it when it also ends in it.
  if (unit && words.length > 1 && words.at(-1) === unit.toLowerCase()) words.pop();
  const text = words
    .map((w, i) => {
      if (ACRONYMS.has(w)) return w.toUpperCase();
      return i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w;
    })
    .join(' ');
  return unit ? `${text} (${unit})` : text;
}

function readShowIf(value: unknown): ShowIf | undefined {
  if (!isSchema(value) || typeof value.field !== 'string') return undefined;
  if ('equals' in value) return { field: value.field, equals: value.equals };
  if ('notEquals' in value) return { field: value.field, notEquals: value.notEquals };
  return undefined;
}

/** A JSON Schema property's `x-ui` hint, keeping only well-formed parts. */
export function readUiHint(schema: JsonSchema): FieldHint {
  const raw = schema[UI_HINT_KEY];
  if (!isSchema(raw)) return {};
  const hint: FieldHint = {};
  if (typeof raw.widget === 'string') hint.widget = raw.widget;
  if (Array.isArray(raw.credentialTypes)) {
    hint.credentialTypes = raw.credentialTypes.filter((t): t is string => typeof t === 'string');
  }
  const showIf = readShowIf(raw.showIf);
  if (showIf) hint.showIf = showIf;
  if (raw.secret === true) hint.secret = true;
  if (typeof raw.placeholder === 'string') hint.placeholder = raw.placeholder;
  if (raw.advanced === true) hint.advanced = true;
  if (typeof raw.multiline === 'boolean') hint.multiline = raw.multiline;
  if (typeof raw.unit === 'string' && raw.unit !== '') hint.unit = raw.unit;
  return hint;
}

function isTextWidget(widget: string | undefined): widget is TextWidget {
  return (TEXT_WIDGETS as readonly (string | undefined)[]).includes(widget);
}

/** The hinted string widget, or undefined when the hint names none (or a non-string one). */
function textWidgetOf(hint: FieldHint): TextWidget | undefined {
  if (hint.secret) return 'secret';
  return isTextWidget(hint.widget) ? hint.widget : undefined;
}

/** The string property a credential reference object holds its id in (`{ credentialId }`). */
function credentialIdProperty(schema: JsonSchema): string | undefined {
  const stringProperty = propertiesOf(schema).find(([, p]) =>
    schemaTypes(unwrapSchema(p)).includes('string'),
  );
  return stringProperty?.[0];
}

/** One form field for one config property. */
export function fieldFromSchema(name: string, raw: JsonSchema, required: boolean): FormField {
  const schema = unwrapSchema(raw);
  const hint = readUiHint(schema);
  const types = schemaTypes(schema);
  const base: FieldBase = {
    name,
    label: typeof schema.title === 'string' ? schema.title : humanizeFieldName(name, hint.unit),
    description: typeof schema.description === 'string' ? schema.description : undefined,
    required,
    defaultValue: schema.default,
    placeholder: hint.placeholder,
    advanced: hint.advanced === true,
    showIf: hint.showIf,
  };

  if (hint.widget === 'credential') {
    return {
      ...base,
      widget: 'credential',
      credentialTypes: hint.credentialTypes ?? [],
      idProperty: types.includes('object') ? credentialIdProperty(schema) : undefined,
    };
  }
  if (hint.widget === 'json') return { ...base, widget: 'json' };
  if (hint.widget === 'flow') return { ...base, widget: 'flow' };
  const options = enumValues(schema);
  if (options && options.length > 0) return { ...base, widget: 'select', options };

  if (types.length === 1) {
    switch (types[0]) {
      case 'string': {
        const hinted = textWidgetOf(hint);
        if (hinted) {
          return {
            ...base,
            widget: hinted,
            multiline: hint.multiline ?? MULTILINE_BY_DEFAULT.has(hinted),
          };
        }
        const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
        const long =
          (maxLength !== undefined && maxLength > LONG_STRING_LENGTH) ||
          schema.format === 'textarea';
        const placeholder =
          base.placeholder ??
          (typeof schema.format === 'string' && ['uri', 'url'].includes(schema.format)
            ? 'https://'
            : undefined);
        return { ...base, placeholder, widget: 'text', multiline: hint.multiline ?? long };
      }
      case 'boolean':
        return { ...base, widget: 'toggle' };
      case 'number':
      case 'integer':
        return {
          ...base,
          widget: 'number',
          integer: types[0] === 'integer',
          minimum: typeof schema.minimum === 'number' ? schema.minimum : undefined,
          maximum: typeof schema.maximum === 'number' ? schema.maximum : undefined,
          unit: hint.unit,
        };
      case 'object': {
        const values = stringRecordValues(schema);
        if (values) {
          return {
            ...base,
            widget: 'keyValue',
            valueWidget: textWidgetOf(readUiHint(values)) ?? 'text',
          };
        }
        if (propertiesOf(schema).length > 0) {
          return { ...base, widget: 'object', fields: formFieldsFromSchema(schema) };
        }
        break;
      }
    }
  }
  return { ...base, widget: 'json' };
}

/** Whether a field's `showIf` holds for these values (a missing sibling value is its default). */
export function isFieldShown(
  field: FormField,
  values: Readonly<Record<string, unknown>>,
  fields: readonly FormField[],
): boolean {
  const condition = field.showIf;
  if (!condition) return true;
  const sibling = fields.find((f) => f.name === condition.field);
  const value = values[condition.field] ?? sibling?.defaultValue;
  const matches = (expected: unknown) =>
    Array.isArray(expected) ? expected.includes(value) : expected === value;
  return 'equals' in condition ? matches(condition.equals) : !matches(condition.notEquals);
}

function requiredNames(schema: JsonSchema): Set<string> {
  return new Set(
    Array.isArray(schema.required)
      ? schema.required.filter((r): r is string => typeof r === 'string')
      : [],
  );
}

function propertiesOf(schema: JsonSchema): [string, JsonSchema][] {
  const properties = schema.properties;
  if (!isSchema(properties)) return [];
  return Object.entries(properties).filter((entry): entry is [string, JsonSchema] =>
    isSchema(entry[1]),
  );
}

/** The fields of an object config schema, in declaration order. */
export function formFieldsFromSchema(schema: Record<string, unknown>): FormField[] {
  const root = unwrapSchema(schema);
  const required = requiredNames(root);
  return propertiesOf(root).map(([name, propertySchema]) =>
    fieldFromSchema(name, propertySchema, required.has(name)),
  );
}

/**
 * One top-level property of an object schema as a group of fields: a nested object with
 * properties (`retry`) gives its fields; any other value (`timeoutMs`) is a group of one field.
 */
export type FormSection = {
  name: string;
  label: string;
  description: string | undefined;
  /** True when the fields live in an object under `name`; false for the one field `name`. */
  nested: boolean;
  /**
   * A nested object with required fields: `{}` differs from no object (it still needs those
   * fields), so a form adds and removes it explicitly rather than when its last field empties.
   */
  optIn: boolean;
  fields: FormField[];
};

/** The sections of an object schema whose values may be objects themselves (node.policy). */
export function formSectionsFromSchema(schema: Record<string, unknown>): FormSection[] {
  const root = unwrapSchema(schema);
  const required = requiredNames(root);
  return propertiesOf(root).map(([name, raw]) => {
    const property = unwrapSchema(raw);
    const nested = schemaTypes(property).includes('object') && propertiesOf(property).length > 0;
    const field = fieldFromSchema(name, raw, required.has(name));
    return {
      name,
      label:
        typeof property.title === 'string'
          ? property.title
          : humanizeFieldName(name, readUiHint(property).unit),
      description: nested ? field.description : undefined,
      nested,
      optIn: nested && requiredNames(property).size > 0,
      fields: nested ? formFieldsFromSchema(property) : [field],
    };
  });
}

/** The schema of the value at `path` inside an object schema, if the schema declares it. */
export function schemaAt(
  schema: Record<string, unknown>,
  path: readonly string[],
): JsonSchema | undefined {
  let current: JsonSchema | undefined = unwrapSchema(schema);
  for (const key of path) {
    const next: unknown = isSchema(current?.properties) ? current.properties[key] : undefined;
    current = isSchema(next) ? unwrapSchema(next) : undefined;
  }
  return current;
}

/** Whether `{}` at `path` is incomplete rather than "nothing set": its schema requires fields. */
export function requiresFieldsAt(
  schema: Record<string, unknown>,
  path: readonly string[],
): boolean {
  const at = schemaAt(schema, path);
  return at !== undefined && requiredNames(at).size > 0;
}
