/**
 * Turns a node type's config JSON Schema (zod's toJSONSchema output) into form field
 * descriptors. Pure, so the inspector form is generated, never hand-written per node type.
 */

export type EnumValue = string | number | boolean | null;

type FieldBase = {
  name: string;
  label: string;
  description: string | undefined;
  required: boolean;
  defaultValue: unknown;
};

export type FormField =
  | (FieldBase & { kind: 'text'; placeholder: string | undefined })
  | (FieldBase & { kind: 'textarea'; monospace: boolean })
  | (FieldBase & { kind: 'select'; options: EnumValue[] })
  | (FieldBase & { kind: 'toggle' })
  | (FieldBase & {
      kind: 'number';
      integer: boolean;
      minimum: number | undefined;
      maximum: number | undefined;
      /** From the name's suffix: `timeoutMs` is in "ms". */
      unit: string | undefined;
    })
  | (FieldBase & { kind: 'keyValue' })
  | (FieldBase & { kind: 'json' });

export type FormFieldKind = FormField['kind'];

type JsonSchema = Record<string, unknown>;

const CODE_FIELD_NAME = /expression|condition|body/i;
// Strings allowed to run this long are prose or code; shorter ones (ids, keys) fit on one line.
const LONG_STRING_LENGTH = 500;
const ACRONYMS = new Set(['http', 'https', 'url', 'uri', 'json', 'id', 'api', 'ip', 'jwt', 'xml']);
const UNIT_SUFFIXES = new Set(['ms', 's', 'kb', 'mb']);

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

function isStringRecord(schema: JsonSchema): boolean {
  if (!schemaTypes(schema).includes('object')) return false;
  const props = schema.properties;
  if (isSchema(props) && Object.keys(props).length > 0) return false;
  const extra = schema.additionalProperties;
  return isSchema(extra) && schemaTypes(unwrapSchema(extra)).includes('string');
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

/** The unit a field name ends in: `timeoutMs` -> "ms", `maxAttempts` -> undefined. */
export function fieldUnit(name: string): string | undefined {
  const words = nameWords(name);
  const last = words.at(-1);
  return words.length > 1 && last && UNIT_SUFFIXES.has(last) ? last : undefined;
}

/** `failOnHttpError` -> "Fail on HTTP error", `timeoutMs` -> "Timeout (ms)". */
export function humanizeFieldName(name: string): string {
  const words = nameWords(name);
  const unit = fieldUnit(name);
  if (unit) words.pop();
  const text = words
    .map((w, i) => {
      if (ACRONYMS.has(w)) return w.toUpperCase();
      return i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w;
    })
    .join(' ');
  return unit ? `${text} (${unit})` : text;
}

/** One form field for one config property. */
export function fieldFromSchema(name: string, raw: JsonSchema, required: boolean): FormField {
  const schema = unwrapSchema(raw);
  const base: FieldBase = {
    name,
    label: typeof schema.title === 'string' ? schema.title : humanizeFieldName(name),
    description: typeof schema.description === 'string' ? schema.description : undefined,
    required,
    defaultValue: schema.default,
  };
  const options = enumValues(schema);
  if (options && options.length > 0) return { ...base, kind: 'select', options };

  const types = schemaTypes(schema);
  if (types.length === 1) {
    switch (types[0]) {
      case 'string': {
        if (CODE_FIELD_NAME.test(name)) return { ...base, kind: 'textarea', monospace: true };
        const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
        if (
          (maxLength !== undefined && maxLength > LONG_STRING_LENGTH) ||
          schema.format === 'textarea'
        ) {
          return { ...base, kind: 'textarea', monospace: false };
        }
        const placeholder =
          typeof schema.format === 'string' && ['uri', 'url'].includes(schema.format)
            ? 'https://'
            : undefined;
        return { ...base, kind: 'text', placeholder };
      }
      case 'boolean':
        return { ...base, kind: 'toggle' };
      case 'number':
      case 'integer':
        return {
          ...base,
          kind: 'number',
          integer: types[0] === 'integer',
          minimum: typeof schema.minimum === 'number' ? schema.minimum : undefined,
          maximum: typeof schema.maximum === 'number' ? schema.maximum : undefined,
          unit: fieldUnit(name),
        };
      case 'object':
        if (isStringRecord(schema)) return { ...base, kind: 'keyValue' };
        break;
    }
  }
  return { ...base, kind: 'json' };
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
      label: typeof property.title === 'string' ? property.title : humanizeFieldName(name),
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
