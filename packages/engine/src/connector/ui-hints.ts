/**
 * UI hints travel with config and credential schemas as zod metadata (`.meta(...)`), and reach
 * the web app inside the JSON Schemas, so forms never guess a widget from a field's name.
 *
 *   url: templateField('URL').meta(uiHint({ widget: 'template' }))
 *   token: z.string().meta(secretField())
 *   auth: z.object({ credentialId }).meta(uiHint({ widget: 'credential', credentialTypes: [...] }))
 *   body: z.string().meta(uiHint({ widget: 'template', showIf: { field: 'bodyType', notEquals: 'none' } }))
 */

/** How a field is edited. `template` is text with {{ JSONata }} parts. */
export const UI_WIDGETS = [
  'text',
  'template',
  'jsonata',
  'sql',
  'code',
  'json',
  'secret',
  'credential',
  'cron',
  'timezone',
  /** A reference to another flow by id (a picker of the flows). */
  'flow',
] as const;
export type UiWidget = (typeof UI_WIDGETS)[number];

/** Show the field only when a sibling field has (or has not) one of these values. */
export type ShowIf =
  | { field: string; equals: unknown | readonly unknown[] }
  | { field: string; notEquals: unknown | readonly unknown[] };

export type UiHint = {
  widget?: UiWidget;
  /** For widget `credential`: the credential types the picker offers. */
  credentialTypes?: readonly string[];
  showIf?: ShowIf;
  /** A write-only secret: never returned by the API, redacted as `***` where it would show. */
  secret?: boolean;
  placeholder?: string;
  /** Shown under collapsed "advanced" sections. */
  advanced?: boolean;
  /** For text-like widgets (`text`, `template`): several lines rather than one. */
  multiline?: boolean;
  /** The unit of a number, shown beside its label: `ms` also shows the value as a duration. */
  unit?: string;
};

/** The metadata key set on JSON Schema properties; the web app reads `x-ui`. */
export const UI_HINT_KEY = 'x-ui';

export function uiHint(hint: UiHint): Record<string, unknown> {
  return { [UI_HINT_KEY]: hint };
}

export function secretField(hint: Omit<UiHint, 'secret' | 'widget'> = {}): Record<string, unknown> {
  return uiHint({ ...hint, widget: 'secret', secret: true });
}

/** Reads a JSON Schema property's hint (or undefined). */
export function uiHintOf(jsonSchema: unknown): UiHint | undefined {
  if (typeof jsonSchema !== 'object' || jsonSchema === null) return undefined;
  const hint = (jsonSchema as Record<string, unknown>)[UI_HINT_KEY];
  return typeof hint === 'object' && hint !== null ? (hint as UiHint) : undefined;
}
