/**
 * Per-type reference docs (docs/connectors/) generated from the connector registry: one page per
 * connector with its node types (ports, config table from the JSON Schema, policy defaults,
 * credential types, own docs) and credential types. Pure: registry in, files out; the
 * `pnpm docs:connectors` script writes them and a test fails when the committed ones are stale.
 */
import {
  type CredentialTypeDescriptor,
  describeCredentialType,
  type NodeTypeDefinition,
  type NodeTypeDescriptor,
} from '@patchbay/engine';
import type { ConnectorRegistry } from '../connectors.ts';

export const CONNECTOR_DOCS_DIR = 'docs/connectors';
export const CONNECTOR_DOCS_COMMAND = 'pnpm docs:connectors';

type JsonSchema = Record<string, unknown>;

/** One generated page: its file name inside docs/connectors and its markdown. */
export type DocsFile = { name: string; markdown: string };

type Page = {
  name: string;
  title: string;
  description: string;
  /** Where its code lives, e.g. `packages/connectors/http`. */
  location: string;
  nodeTypes: { definition: NodeTypeDefinition; descriptor: NodeTypeDescriptor }[];
  credentialTypes: CredentialTypeDescriptor[];
};

const GENERATED_NOTE = `<!-- Generated from the connector registry by \`${CONNECTOR_DOCS_COMMAND}\`: do not edit. -->`;

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text safe inside a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').trim() || ' ';
}

function code(text: string): string {
  return `\`${text.replace(/`/g, 'ˋ')}\``;
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/** The meaningful schema inside zod's optional/nullable wrappers. */
function unwrap(schema: JsonSchema): JsonSchema {
  const union = Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
  if (union) {
    const members = union.filter(isSchema).filter((m) => m.type !== 'null');
    const [only] = members;
    if (members.length === 1 && only) {
      const { anyOf: _ignored, ...outer } = schema;
      return unwrap({ ...outer, ...only });
    }
  }
  return schema;
}

/** A JSON Schema's type in a few words: `string`, `"GET" | "POST"`, `object<string, string>`. */
export function schemaTypeText(raw: JsonSchema): string {
  const schema = unwrap(raw);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => json(v)).join(' | ');
  if ('const' in schema) return json(schema.const);
  if (Array.isArray(schema.anyOf)) {
    return schema.anyOf
      .filter(isSchema)
      .map((m) => schemaTypeText(m))
      .join(' | ');
  }
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
  if (type === 'array') {
    return isSchema(schema.items) ? `array<${schemaTypeText(schema.items)}>` : 'array';
  }
  if (type === 'object') {
    const properties = isSchema(schema.properties) ? Object.keys(schema.properties) : [];
    if (properties.length > 0) return `{ ${properties.join(', ')} }`;
    const values = schema.additionalProperties;
    if (isSchema(values)) {
      const valueType = Object.keys(values).length === 0 ? 'any' : schemaTypeText(values);
      return `object<string, ${valueType}>`;
    }
    return 'object';
  }
  return typeof type === 'string' ? type : 'any';
}

function hintOf(schema: JsonSchema): Record<string, unknown> {
  const hint = schema['x-ui'];
  return isSchema(hint) ? hint : {};
}

function showIfText(showIf: unknown): string | undefined {
  if (!isSchema(showIf) || typeof showIf.field !== 'string') return undefined;
  const values = (v: unknown) => (Array.isArray(v) ? v.map(json).join(' or ') : json(v));
  if ('equals' in showIf) return `shown when ${showIf.field} is ${values(showIf.equals)}`;
  if ('notEquals' in showIf) return `shown when ${showIf.field} is not ${values(showIf.notEquals)}`;
  return undefined;
}

/** The widget column: the hinted widget (values' widget for records) and its flags. */
export function widgetText(raw: JsonSchema): string {
  const schema = unwrap(raw);
  const hint = hintOf(schema);
  const parts: string[] = [];
  if (typeof hint.widget === 'string') parts.push(hint.widget);
  else if (isSchema(schema.additionalProperties)) {
    const valueWidget = hintOf(unwrap(schema.additionalProperties)).widget;
    if (typeof valueWidget === 'string') parts.push(`key/value (${valueWidget} values)`);
  }
  if (Array.isArray(hint.credentialTypes) && hint.credentialTypes.length > 0) {
    parts.push(`types: ${hint.credentialTypes.join(', ')}`);
  }
  if (hint.secret === true && hint.widget !== 'secret') parts.push('secret');
  if (typeof hint.unit === 'string') parts.push(`in ${hint.unit}`);
  if (hint.multiline === true) parts.push('multi-line');
  if (hint.advanced === true) parts.push('advanced');
  const showIf = showIfText(hint.showIf);
  if (showIf) parts.push(showIf);
  return parts.join(', ');
}

function propertiesOf(schema: JsonSchema): [string, JsonSchema][] {
  const root = unwrap(schema);
  if (!isSchema(root.properties)) return [];
  return Object.entries(root.properties).filter((entry): entry is [string, JsonSchema] =>
    isSchema(entry[1]),
  );
}

function requiredOf(schema: JsonSchema): Set<string> {
  const root = unwrap(schema);
  return new Set(Array.isArray(root.required) ? root.required.map(String) : []);
}

/** The config table: one row per property, in schema order. */
export function configTable(schema: JsonSchema): string {
  const properties = propertiesOf(schema);
  if (properties.length === 0) return 'No configuration.';
  const required = requiredOf(schema);
  const rows = properties.map(([name, raw]) => {
    const property = unwrap(raw);
    const defaultValue = 'default' in property ? code(json(property.default)) : '';
    const description = typeof property.description === 'string' ? property.description : '';
    return `| ${[
      code(name),
      cell(code(schemaTypeText(property))),
      cell(defaultValue),
      required.has(name) ? 'yes' : 'no',
      cell(description),
      cell(widgetText(property)),
    ].join(' | ')} |`;
  });
  return [
    '| Field | Type | Default | Required | Description | Widget |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function ports(list: readonly { id: string; label: string }[]): string {
  return list.length === 0 ? 'none' : list.map((p) => `${code(p.id)} (${p.label})`).join(', ');
}

function policyTable(descriptor: NodeTypeDescriptor): string {
  const { retry, timeoutMs, expressionTimeoutMs, breaker } = descriptor.policyDefaults;
  const rows: [string, string][] = [
    ['Attempts', `${retry.maxAttempts}${retry.maxAttempts === 1 ? ' (never retried)' : ''}`],
    ['Retry on', retry.retryOn],
    [
      'Backoff',
      `${retry.initialDelayMs} ms, ×${retry.backoffFactor}, at most ${retry.maxDelayMs} ms, jitter ${retry.jitter}`,
    ],
    ['Attempt timeout', `${timeoutMs} ms`],
    ['Expression timeout', `${expressionTimeoutMs} ms`],
    [
      'Circuit breaker',
      breaker.enabled
        ? `opens after ${breaker.consecutiveFailures} failures in a row, for ${breaker.openDurationMs} ms`
        : 'off',
    ],
  ];
  return [
    '| Policy | Default |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`),
  ].join('\n');
}

function nodeTypeSection({ definition, descriptor }: Page['nodeTypes'][number]): string {
  const credentialTypes = definition.credentialTypes ?? [];
  const facts: [string, string][] = [
    ['Type id', code(descriptor.type)],
    ['Category', descriptor.category],
    ['Inputs', ports(descriptor.inputs)],
    ['Outputs', ports(descriptor.outputs)],
    ['Side effects', descriptor.sideEffects ? 'yes (may call an upstream)' : 'no (pure)'],
    [
      'Credential types',
      credentialTypes.length === 0 ? 'none' : credentialTypes.map((t) => code(t)).join(', '),
    ],
  ];
  if (definition.trigger) facts.push(['Starts runs', 'yes (trigger with a lifecycle)']);
  const parts = [
    `### ${descriptor.title}`,
    descriptor.description,
    ['| | |', '|---|---|', ...facts.map(([k, v]) => `| ${k} | ${cell(v)} |`)].join('\n'),
    '#### Configuration',
    configTable(descriptor.configJsonSchema),
    '#### Retry and timeout defaults',
    policyTable(descriptor),
  ];
  if (definition.docs?.trim()) parts.push('#### Notes', definition.docs.trim());
  return parts.join('\n\n');
}

function credentialTypeSection(descriptor: CredentialTypeDescriptor): string {
  const properties = propertiesOf(descriptor.jsonSchema);
  const required = requiredOf(descriptor.jsonSchema);
  const secret = new Set(descriptor.secretFields);
  const table =
    properties.length === 0
      ? 'No fields.'
      : [
          '| Field | Type | Required | Secret | Description |',
          '|---|---|---|---|---|',
          ...properties.map(([name, raw]) => {
            const property = unwrap(raw);
            const description =
              typeof property.description === 'string' ? property.description : '';
            return `| ${[
              code(name),
              cell(code(schemaTypeText(property))),
              required.has(name) ? 'yes' : 'no',
              secret.has(name) ? 'yes (write-only)' : 'no',
              cell(description),
            ].join(' | ')} |`;
          }),
        ].join('\n');
  const parts = [
    `### ${descriptor.title}`,
    descriptor.description,
    `Type id: ${code(descriptor.type)}. Testable: ${descriptor.testable ? 'yes (credentials.test makes a real connection)' : 'no'}.`,
    table,
  ];
  if (descriptor.docs?.trim()) parts.push(descriptor.docs.trim());
  return parts.join('\n\n');
}

function pageMarkdown(page: Page): string {
  const parts = [
    GENERATED_NOTE,
    `# ${page.title}`,
    page.description,
    `Code: ${code(page.location)}.`,
  ];
  parts.push('## Node types');
  parts.push(
    page.nodeTypes.length === 0
      ? 'None.'
      : page.nodeTypes.map((entry) => nodeTypeSection(entry)).join('\n\n'),
  );
  parts.push('## Credential types');
  parts.push(
    page.credentialTypes.length === 0
      ? 'None.'
      : page.credentialTypes.map((entry) => credentialTypeSection(entry)).join('\n\n'),
  );
  return `${parts.join('\n\n')}\n`;
}

function indexMarkdown(pages: readonly Page[]): string {
  const rows = pages.map(
    (page) =>
      `| [${page.title}](${page.name}.md) | ${cell(page.description)} | ${cell(
        page.nodeTypes.map((n) => code(n.descriptor.type)).join(', ') || '–',
      )} | ${cell(page.credentialTypes.map((c) => code(c.type)).join(', ') || '–')} |`,
  );
  return `${[
    GENERATED_NOTE,
    '# Connectors',
    'Every node type and credential type the server ships, one page per connector package ' +
      '(`packages/connectors/<name>`, composed in `apps/server/src/connectors.ts`). The config ' +
      'tables come from each type’s zod schema; the Widget column is its `x-ui` hint ' +
      '(see `packages/engine/src/connector/ui-hints.ts`), which the editor’s forms follow.',
    `Regenerate with \`${CONNECTOR_DOCS_COMMAND}\`.`,
    '| Connector | What it does | Node types | Credential types |\n|---|---|---|---|\n' +
      rows.join('\n'),
  ].join('\n\n')}\n`;
}

/** The pages: one per connector, plus one for node types no connector package claims yet. */
export function connectorDocs(registry: ConnectorRegistry): DocsFile[] {
  const descriptors = new Map(registry.nodeTypes.describe().map((d) => [d.type, d]));
  const entryOf = (definition: NodeTypeDefinition) => {
    const descriptor = descriptors.get(definition.type);
    if (!descriptor) throw new Error(`Node type "${definition.type}" is not in the registry`);
    return { definition, descriptor };
  };
  const pages: Page[] = registry.connectors.map((connector) => ({
    name: connector.name,
    title: connector.title,
    description: connector.description,
    location: `packages/connectors/${connector.name}`,
    nodeTypes: connector.nodeTypes.map(entryOf),
    credentialTypes: connector.credentialTypes.map(describeCredentialType),
  }));
  return [
    { name: 'README.md', markdown: indexMarkdown(pages) },
    ...pages.map((page) => ({ name: `${page.name}.md`, markdown: pageMarkdown(page) })),
  ];
}
