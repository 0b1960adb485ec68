import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ValidationIssue } from '../api/types.ts';
import { createClient, TRPCProvider } from '../trpc.ts';
import { ConfigForm } from './config-form.tsx';
import type { WidgetName } from './schema-form-fields.ts';
import { WIDGETS } from './widgets.tsx';

// http.request's config schema as the server describes it (x-ui hints included).
const schema = {
  type: 'object',
  properties: {
    method: { default: 'GET', type: 'string', enum: ['GET', 'POST'] },
    url: {
      type: 'string',
      'x-ui': { widget: 'template', placeholder: 'https://api.test/{{ $.id }}' },
    },
    bodyType: { default: 'none', type: 'string', enum: ['none', 'json'] },
    body: {
      default: '',
      type: 'string',
      'x-ui': {
        widget: 'template',
        multiline: true,
        showIf: { field: 'bodyType', notEquals: 'none' },
      },
    },
    token: { type: 'string', 'x-ui': { widget: 'secret', secret: true } },
    auth: {
      type: 'object',
      properties: { credentialId: { type: 'string' } },
      'x-ui': { widget: 'credential', credentialTypes: ['httpBearer'] },
    },
    timeoutMs: { default: 30000, type: 'integer', 'x-ui': { advanced: true, unit: 'ms' } },
  },
  required: ['url'],
};

type Element = { tag: string; attributes: Map<string, string> };

/** The static markup's elements by test id: enough of a DOM for these assertions. */
class Markup {
  constructor(readonly html: string) {}

  byTestId(testId: string): Element | undefined {
    for (const match of this.html.matchAll(/<([a-z]+)((?:\s[^>]*)?)>/g)) {
      const attributes = new Map<string, string>();
      for (const attr of (match[2] ?? '').matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)) {
        attributes.set(attr[1] ?? '', attr[2] ?? '');
      }
      if (attributes.get('data-testid') === testId) {
        return { tag: match[1] ?? '', attributes };
      }
    }
    return undefined;
  }

  /** The markup between the element with this test id and its closing tag (no nesting of the same tag). */
  inside(testId: string, tag: string): Markup {
    const start = this.html.indexOf(`data-testid="${testId}"`);
    const end = this.html.indexOf(`</${tag}>`, start);
    return new Markup(start < 0 || end < 0 ? '' : this.html.slice(start, end));
  }
}

function render(config: Record<string, unknown>, issues: ValidationIssue[] = []): Markup {
  // The credential picker reads the vault's list through tRPC (nothing is fetched on the server).
  const queryClient = new QueryClient();
  return new Markup(
    renderToStaticMarkup(
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={createClient()} queryClient={queryClient}>
          <ConfigForm schema={schema} config={config} issues={issues} onChange={() => {}} />
        </TRPCProvider>
      </QueryClientProvider>,
    ),
  );
}

describe('ConfigForm', () => {
  it('renders each field with the widget its hint names', () => {
    const doc = render({ url: 'https://x.test', auth: { credentialId: 'cred_1' } });
    const url = doc.byTestId('field-url');
    expect(url?.tag).toBe('input');
    expect(url?.attributes.get('data-widget')).toBe('template');
    expect(url?.attributes.get('placeholder')).toBe('https://api.test/{{ $.id }}');
    expect(doc.byTestId('field-token')?.attributes.get('type')).toBe('password');
    const credential = doc.byTestId('field-auth');
    expect(credential?.attributes.get('data-widget')).toBe('credential');
    expect(credential?.tag).toBe('select');
    expect(doc.html).toContain('<option value="cred_1" selected="">');
    expect(doc.byTestId('field-method')?.tag).toBe('select');
  });

  it('leaves out a field whose showIf fails, and shows it once the sibling allows', () => {
    expect(render({}).byTestId('field-body')).toBeUndefined();
    expect(render({ bodyType: 'none' }).byTestId('field-body')).toBeUndefined();
    expect(render({ bodyType: 'json' }).byTestId('field-body')?.tag).toBe('textarea');
  });

  it('still shows a hidden field that has an issue', () => {
    const issue: ValidationIssue = {
      code: 'node.invalid_config',
      message: 'Body has an invalid template',
      nodeId: 'n1',
      path: ['nodes', 0, 'config', 'body'],
    } as ValidationIssue;
    expect(render({}, [issue]).byTestId('field-body')?.tag).toBe('textarea');
  });

  it('puts advanced fields in a collapsed group, opened when one has an issue', () => {
    const doc = render({});
    expect(doc.byTestId('config-advanced')?.attributes.has('open')).toBe(false);
    expect(doc.inside('config-advanced', 'details').byTestId('field-timeoutMs')?.tag).toBe('input');
    expect(doc.inside('config-advanced', 'details').byTestId('field-url')).toBeUndefined();
    const issue = {
      code: 'node.invalid_config',
      message: 'Timeout must be at least 1 ms',
      nodeId: 'n1',
      path: ['timeoutMs'],
    } as ValidationIssue;
    expect(render({}, [issue]).byTestId('config-advanced')?.attributes.has('open')).toBe(true);
  });
});

describe('WIDGETS', () => {
  it('has a component for every widget name', () => {
    const names: WidgetName[] = [
      'text',
      'template',
      'jsonata',
      'sql',
      'code',
      'secret',
      'cron',
      'timezone',
      'credential',
      'flow',
      'select',
      'toggle',
      'number',
      'keyValue',
      'object',
      'json',
    ];
    expect(Object.keys(WIDGETS).sort()).toEqual([...names].sort());
  });
});
