/**
 * A one-line summary of a node's config for the canvas card, derived from the schema's field
 * order (e.g. http.request's `method` then `url` gives "GET https://…"), not per node type.
 */
import {
  type FormField,
  formFieldsFromSchema,
  type WidgetName,
} from '../forms/schema-form-fields.ts';

const MAX_PARTS = 2;
const fieldCache = new WeakMap<Record<string, unknown>, FormField[]>();

export function cachedFormFields(schema: Record<string, unknown>): FormField[] {
  let fields = fieldCache.get(schema);
  if (!fields) {
    fields = formFieldsFromSchema(schema);
    fieldCache.set(schema, fields);
  }
  return fields;
}

// Secrets and credential ids never reach the canvas.
const SUMMARISED_WIDGETS = new Set<WidgetName>([
  'select',
  'text',
  'template',
  'jsonata',
  'sql',
  'code',
  'cron',
  'timezone',
]);

export function configSummary(
  schema: Record<string, unknown> | undefined,
  config: Record<string, unknown>,
): string {
  if (!schema) return '';
  // Only the leading fields speak for the node; later ones (body type, timeouts) are noise.
  const leading = cachedFormFields(schema)
    .filter((f) => SUMMARISED_WIDGETS.has(f.widget) && !f.advanced)
    .slice(0, MAX_PARTS);
  const parts: string[] = [];
  for (const field of leading) {
    const value = config[field.name] ?? field.defaultValue;
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    const text = String(value).replace(/\s+/g, ' ').trim();
    if (text) parts.push(text);
  }
  return parts.join(' ');
}
