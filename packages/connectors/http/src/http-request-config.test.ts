import {
  assertValidFlow,
  createNodeTypeRegistry,
  type ValidationIssue,
  validateFlow,
} from '@patchbay/engine';
import { edge, fixtureTriggerNode, flowDocument, node } from '@patchbay/engine/testing';
import { describe, expect, it } from 'vitest';
import { createHttpRequestNode } from './http-request.ts';

const registry = createNodeTypeRegistry([
  fixtureTriggerNode,
  createHttpRequestNode({ fetch: globalThis.fetch }),
]);
const trigger = () => node('trigger', 'test.trigger');
const fetchNode = (config: Record<string, unknown>) => node('fetch', 'http.request', config);

function issuesOf(document: unknown): ValidationIssue[] {
  const result = validateFlow(document, registry);
  if (result.ok) throw new Error('expected the flow to be invalid');
  return result.issues;
}

describe('http.request config in a flow', () => {
  it('fills in the defaults of every field', () => {
    const flow = assertValidFlow(
      flowDocument(
        [trigger(), fetchNode({ url: 'http://127.0.0.1:9000/orders' })],
        [edge('trigger', 'fetch')],
      ),
      registry,
    );
    expect(flow.nodes.get('fetch')?.config).toEqual({
      method: 'GET',
      url: 'http://127.0.0.1:9000/orders',
      headers: {},
      query: {},
      bodyType: 'none',
      body: '',
      responseFormat: 'auto',
      failOnHttpError: true,
      timeoutMs: 30_000,
    });
  });

  it('fills in pagination defaults and keeps auth as given', () => {
    const flow = assertValidFlow(
      flowDocument(
        [
          trigger(),
          fetchNode({
            url: 'https://x.test/items',
            auth: { credentialId: 'cred_1' },
            pagination: { mode: 'page' },
          }),
        ],
        [edge('trigger', 'fetch')],
      ),
      registry,
    );
    expect(flow.nodes.get('fetch')?.config).toMatchObject({
      auth: { credentialId: 'cred_1' },
      pagination: { mode: 'page', maxPages: 10, pageParam: 'page', firstPage: 1 },
    });
  });

  it('names the field of a bad auth, pagination or response format', () => {
    const issues = issuesOf(
      flowDocument(
        [
          trigger(),
          fetchNode({
            url: 'https://x.test/items',
            auth: { credentialId: ' ' },
            pagination: { mode: 'cursor', maxPages: 0 },
            responseFormat: 'binary',
          }),
        ],
        [edge('trigger', 'fetch')],
      ),
    );
    const byPath = Object.fromEntries(issues.map((issue) => [issue.path.join('.'), issue.message]));
    expect(byPath).toEqual({
      'auth.credentialId':
        'Node "fetch", field "auth.credentialId": Choose a credential, or remove authentication',
      'pagination.maxPages':
        'Node "fetch", field "pagination.maxPages": Max pages must be at least 1',
      'pagination.cursorPath': expect.stringContaining('Cursor mode needs a cursor path'),
      responseFormat: expect.stringContaining(
        'Pagination reads items from JSON pages; set the response format to "auto" or "json", not "binary"',
      ),
    });
  });

  it('reports config problems with the node, the field path and a readable message', () => {
    const issues = issuesOf(
      flowDocument(
        [
          trigger(),
          fetchNode({
            url: 'ftp://example.com',
            method: 'FETCH',
            headers: { 'Bad Name': 'x', 'X-Ok': '{{ $.a[ }}' },
            timeoutMs: -5,
            extra: true,
          }),
        ],
        [edge('trigger', 'fetch')],
      ),
    );
    expect(
      issues.every((issue) => issue.code === 'node.invalid_config' && issue.nodeId === 'fetch'),
    ).toBe(true);
    const byPath = Object.fromEntries(issues.map((issue) => [issue.path.join('.'), issue.message]));
    expect(byPath).toEqual({
      extra: 'Node "fetch", field "extra": Unknown field "extra"',
      method:
        'Node "fetch", field "method": Method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS',
      url: 'Node "fetch", field "url": URL must be a valid http(s) URL',
      'headers.Bad Name':
        'Node "fetch", field "headers.Bad Name": Header name "Bad Name" is not a valid HTTP header name',
      'headers.X-Ok': expect.stringContaining('Header "X-Ok" has an invalid template'),
      timeoutMs: 'Node "fetch", field "timeoutMs": Timeout must be at least 1 ms',
    });
  });

  it('rejects a body on GET and invalid JSON bodies', () => {
    const issues = issuesOf(
      flowDocument(
        [trigger(), fetchNode({ url: 'https://x.test', bodyType: 'json', body: '{"a":' })],
        [edge('trigger', 'fetch')],
      ),
    );
    expect(issues.map((issue) => issue.path)).toEqual([['bodyType'], ['body']]);
    expect(issues[0]?.message).toContain('A GET request cannot have a body');
    expect(issues[1]?.message).toContain('Body must be valid JSON');
  });
});
