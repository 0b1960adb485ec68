import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  defineConnector,
  defineCredentialType,
  defineNodeType,
  secretField,
  uiHint,
} from '@patchbay/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createConnectorRegistry } from '../connectors.ts';
import { CONNECTOR_DOCS_COMMAND, CONNECTOR_DOCS_DIR, connectorDocs } from './connector-docs.ts';
import { staleDocsFiles, writeDocsFiles } from './docs-files.ts';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

describe('docs/connectors', () => {
  it('is up to date with the connector registry', async () => {
    const stale = await staleDocsFiles(
      path.join(repoRoot, CONNECTOR_DOCS_DIR),
      connectorDocs(createConnectorRegistry()),
    );
    expect(
      stale,
      `${CONNECTOR_DOCS_DIR} is stale (${stale.join(', ')}): run \`${CONNECTOR_DOCS_COMMAND}\` and commit the result`,
    ).toEqual([]);
  });
});

const tokenCredential = defineCredentialType({
  type: 'acmeToken',
  title: 'Acme token',
  description: 'An Acme API token.',
  schema: z.object({
    account: z.string().describe('The account the token belongs to.'),
    token: z.string().meta(secretField()),
  }),
  test: async () => ({ message: 'ok' }),
  docs: 'Create one under **Settings → API**.',
});

const acmeNode = defineNodeType({
  type: 'acme.send',
  title: 'Send to Acme',
  description: 'Sends a message to Acme.',
  category: 'action',
  configSchema: z.strictObject({
    auth: z
      .strictObject({ credentialId: z.string() })
      .meta(uiHint({ widget: 'credential', credentialTypes: ['acmeToken'] })),
    mode: z.enum(['plain', 'rich']).default('plain'),
    template: z
      .string()
      .describe('The message | with a pipe.')
      .meta(uiHint({ widget: 'template', showIf: { field: 'mode', equals: 'rich' } })),
    waitMs: z
      .number()
      .int()
      .default(500)
      .meta(uiHint({ unit: 'ms', advanced: true })),
  }),
  defaultConfig: { auth: { credentialId: '' }, template: '' },
  inputs: [{ id: 'in', label: 'Input' }],
  outputs: [{ id: 'out', label: 'Result' }],
  credentialTypes: ['acmeToken'],
  policyDefaults: { retry: { maxAttempts: 5 }, timeoutMs: 10_000 },
  docs: 'Outputs `{ messageId }`.',
  execute: async () => ({ output: null }),
});

const acme = defineConnector({
  name: 'acme',
  title: 'Acme',
  description: 'Talk to Acme.',
  icon: '<svg/>',
  nodeTypes: [acmeNode],
  credentialTypes: [tokenCredential],
});

describe('connectorDocs', () => {
  const files = connectorDocs(createConnectorRegistry([acme]));
  const page = files.find((file) => file.name === 'acme.md')?.markdown ?? '';

  it('writes an index and one page per connector', () => {
    expect(files.map((file) => file.name)).toContain('README.md');
    const index = files.find((file) => file.name === 'README.md')?.markdown ?? '';
    expect(index).toContain('| [Acme](acme.md) | Talk to Acme. | `acme.send` | `acmeToken` |');
  });

  it('documents a node type: ports, credential types, config table with widgets, defaults, docs', () => {
    expect(page).toContain('| Type id | `acme.send` |');
    expect(page).toContain('| Outputs | `out` (Result) |');
    expect(page).toContain('| Credential types | `acmeToken` |');
    expect(page).toContain(
      '| `auth` | `{ credentialId }` |   | yes |   | credential, types: acmeToken |',
    );
    expect(page).toContain('| `mode` | `"plain" \\| "rich"` | `"plain"` | no |   |   |');
    expect(page).toContain(
      '| `template` | `string` |   | yes | The message \\| with a pipe. | template, shown when mode is "rich" |',
    );
    expect(page).toContain('| `waitMs` | `integer` | `500` | no |   | in ms, advanced |');
    expect(page).toContain('| Attempts | 5 |');
    expect(page).toContain('| Attempt timeout | 10000 ms |');
    expect(page).toContain('Outputs `{ messageId }`.');
  });

  it('documents a credential type: fields, which are secret, whether testable, docs', () => {
    expect(page).toContain('Type id: `acmeToken`. Testable: yes');
    expect(page).toContain(
      '| `account` | `string` | yes | no | The account the token belongs to. |',
    );
    expect(page).toContain('| `token` | `string` | yes | yes (write-only) |   |');
    expect(page).toContain('Create one under **Settings → API**.');
  });
});

describe('staleDocsFiles and writeDocsFiles', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('names changed, missing and leftover pages, and writing makes the folder current', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'connector-docs-'));
    const files = [
      { name: 'README.md', markdown: '# Index\n' },
      { name: 'a.md', markdown: '# A\n' },
    ];
    await writeFile(path.join(dir, 'README.md'), '# Old index\n');
    await writeFile(path.join(dir, 'gone.md'), '# Gone\n');
    expect(await staleDocsFiles(dir, files)).toEqual(['README.md', 'a.md', 'gone.md']);

    await writeDocsFiles(dir, files);
    expect(await staleDocsFiles(dir, files)).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['README.md', 'a.md']);
    expect(await readFile(path.join(dir, 'a.md'), 'utf8')).toBe('# A\n');
  });
});
