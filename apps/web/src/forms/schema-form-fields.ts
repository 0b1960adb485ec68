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
    })
  | (FieldBase & { kind: 'keyValue' })
  | (FieldBase & { kind: 'json' });

export type FormFieldKind = FormField['kind'];

type JsonSchema = Record<string, unknown>;

const CODE_FIELD_NAME = /expression|condition|body/i;
const LONG_STRING_LENGTH = 200;
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

/** `failOnHttpError` -> "Fail on HTTP error", `timeoutMs` -> "Timeout (ms)". */
export function humanizeFieldName(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((w) => w.toLowerCase());
  const last = words.at(-1);
  let unit: string | undefined;
  if (words.length > 1 && last && UNIT_SUFFIXES.has(last)) {
    unit = last;
    words.pop();
  }
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
        };
      case 'object':
        if (isStringRecord(schema)) return { ...base, kind: 'keyValue' };
        break;
    }
  }
  return { ...base, kind: 'json' };
}

/** The fields of an object config schema, in declaration order. */
export function formFieldsFromSchema(schema: Record<string, unknown>): FormField[] {
  const root = unwrapSchema(schema);
  const properties = root.properties;
  if (!isSchema(properties)) return [];
  const required = new Set(
    Array.isArray(root.required)
      ? root.required.filter((r): r is string => typeof r === 'string')
      : [],
  );
  return Object.entries(properties)
    .filter((entry): entry is [string, JsonSchema] => isSchema(entry[1]))
    .map(([name, propertySchema]) => fieldFromSchema(name, propertySchema, required.has(name)));
}
