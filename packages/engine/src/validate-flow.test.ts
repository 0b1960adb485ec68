import { describe, expect, it } from 'vitest';
import { FlowValidationError, type ValidationIssue } from './errors.ts';
import { createNodeTypeRegistry } from './node-type-registry.ts';
import { FIXTURE_NODE_TYPES } from './test-support/fixture-node-types.ts';
import { edge, flowDocument, node } from './test-support/flow-fixtures.ts';
import { assertValidFlow, validateFlow } from './validate-flow.ts';

const registry = createNodeTypeRegistry(FIXTURE_NODE_TYPES);

const trigger = () => node('trigger', 'test.trigger');
const fetchNode = (config: Record<string, unknown> = { url: 'http://127.0.0.1:9000/orders' }) =>
  node('fetch', 'test.call', config);
const paidNode = () =>
  node('paid', 'test.transform', { expression: "$.body.orders[status='paid']" });

function issuesOf(document: unknown): ValidationIssue[] {
  const result = validateFlow(document, registry);
  if (result.ok) throw new Error('expected the flow to be invalid');
  return result.issues;
}

describe('validateFlow', () => {
  it('accepts a valid flow and indexes it in topological order with parsed configs', () => {
    const result = validateFlow(
      flowDocument(
        [paidNode(), fetchNode(), trigger()],
        [edge('fetch', 'paid'), edge('trigger', 'fetch')],
      ),
      registry,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { flow } = result;
    expect(flow.order.map((entry) => entry.node.id)).toEqual(['trigger', 'fetch', 'paid']);
    expect(flow.trigger.node.id).toBe('trigger');
    expect(flow.nodes.get('fetch')?.config).toEqual({ url: 'http://127.0.0.1:9000/orders' });
    expect(flow.nodes.get('paid')?.incoming.map((e) => e.edge.id)).toEqual(['fetch-paid']);
  });

  it('freezes the validated flow but not the caller’s document', () => {
    const document = flowDocument([trigger(), fetchNode()], [edge('trigger', 'fetch')]);
    const flow = assertValidFlow(document, registry);
    expect(Object.isFrozen(flow.document.nodes[0])).toBe(true);
    expect(Object.isFrozen(flow.nodes.get('fetch')?.config)).toBe(true);
    expect(Object.isFrozen(document.nodes[0])).toBe(false);
  });

  it('reports a document that is not an object', () => {
    expect(issuesOf(42)).toEqual([expect.objectContaining({ code: 'document.invalid', path: [] })]);
  });

  it('maps shape problems inside a node to that node, with the document path', () => {
    const broken = { id: 'fetch', type: 'test.call', config: { url: 'http://x.test' } };
    const issues = issuesOf({ version: 1, name: 'Orders', nodes: [trigger(), broken], edges: [] });
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'document.invalid',
        nodeId: 'fetch',
        path: ['nodes', 1, 'position'],
      }),
    ]);
    expect(issues[0]?.message).toContain('Node "fetch", field "position"');
  });

  it('maps shape problems inside an edge to that edge, and keeps checking the rest', () => {
    const issues = issuesOf({
      version: 2,
      name: 'Orders',
      nodes: [trigger(), fetchNode({ url: 'nope' })],
      edges: [{ id: 'e1', source: 'trigger' }],
    });
    expect(
      issues.map((issue) => [issue.code, issue.edgeId ?? issue.nodeId ?? null, issue.path]),
    ).toEqual([
      ['document.invalid', null, ['version']],
      ['document.invalid', 'e1', ['edges', 0, 'target']],
      ['node.invalid_config', 'fetch', ['url']],
    ]);
  });

  it('reports duplicate node ids and duplicate edge ids', () => {
    const issues = issuesOf(
      flowDocument(
        [trigger(), fetchNode(), fetchNode()],
        [edge('trigger', 'fetch'), edge('trigger', 'fetch')],
      ),
    );
    expect(issues).toEqual([
      expect.objectContaining({ code: 'node.duplicate_id', nodeId: 'fetch', path: ['id'] }),
      expect.objectContaining({ code: 'edge.duplicate_id', edgeId: 'trigger-fetch', path: ['id'] }),
    ]);
  });

  it('reports an unknown node type on its type field and lists the known ones', () => {
    const [issue, ...rest] = issuesOf(
      flowDocument([trigger(), node('mail', 'email.send')], [edge('trigger', 'mail')]),
    );
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ code: 'node.unknown_type', nodeId: 'mail', path: ['type'] });
    expect(issue?.message).toContain('unknown type "email.send"');
    expect(issue?.message).toContain('test.call');
  });

  it('reports config problems with the node, the field path and a readable message', () => {
    const issues = issuesOf(
      flowDocument(
        [trigger(), fetchNode({ url: 'ftp://example.com', extra: true })],
        [edge('trigger', 'fetch')],
      ),
    );
    expect(
      issues.every((issue) => issue.code === 'node.invalid_config' && issue.nodeId === 'fetch'),
    ).toBe(true);
    const byPath = Object.fromEntries(issues.map((issue) => [issue.path.join('.'), issue.message]));
    expect(byPath).toEqual({
      extra: 'Node "fetch", field "extra": Unknown field "extra"',
      url: 'Node "fetch", field "url": URL must be a valid http(s) URL',
    });
  });

  it('accepts retry fields a node type adds only on nodes of that type, naming node and field', () => {
    const ok = validateFlow(
      flowDocument(
        [trigger(), { ...fetchNode(), policy: { retry: { retryCodes: ['CONFLICT'] } } }],
        [edge('trigger', 'fetch')],
      ),
      registry,
    );
    expect(ok.ok).toBe(true);
    const issues = issuesOf(
      flowDocument(
        [trigger(), { ...paidNode(), policy: { retry: { maxAttempts: 2, retryCodes: ['X'] } } }],
        [edge('trigger', 'paid')],
      ),
    );
    expect(issues).toEqual([
      {
        code: 'node.invalid_policy',
        nodeId: 'paid',
        path: ['retry', 'retryCodes'],
        message:
          'Node "paid", field "policy.retry.retryCodes": Unknown field "retryCodes": only test.call nodes have it, not test.transform',
      },
    ]);
  });

  it('reports policy problems on the node, naming the policy field, and keeps the node in the graph', () => {
    const fetch = {
      ...fetchNode(),
      label: 'Fetch orders',
      policy: {
        retry: { maxAttempts: 0, retryOn: 'sometimes' },
        timeoutMs: 2.5,
        breaker: { windowMs: 10 },
        rateLimit: { limit: 5 },
        colour: 'red',
      },
    };
    const issues = issuesOf({
      ...flowDocument([trigger()], [edge('trigger', 'fetch')]),
      nodes: [trigger(), fetch],
    });
    expect(issues.every((issue) => issue.code === 'node.invalid_policy')).toBe(true);
    expect(issues.map((issue) => [issue.nodeId, issue.path, issue.message])).toEqual([
      [
        'fetch',
        ['retry', 'maxAttempts'],
        'Node "Fetch orders" (fetch), field "policy.retry.maxAttempts": Max attempts must be at least 1',
      ],
      [
        'fetch',
        ['retry', 'retryOn'],
        'Node "Fetch orders" (fetch), field "policy.retry.retryOn": Retry on must be one of transient, any, none',
      ],
      [
        'fetch',
        ['timeoutMs'],
        'Node "Fetch orders" (fetch), field "policy.timeoutMs": Timeout must be a whole number of milliseconds',
      ],
      [
        'fetch',
        ['breaker', 'windowMs'],
        'Node "Fetch orders" (fetch), field "policy.breaker.windowMs": Window must be at least 100 ms',
      ],
      [
        'fetch',
        ['rateLimit', 'periodMs'],
        'Node "Fetch orders" (fetch), field "policy.rateLimit.periodMs": Period is required',
      ],
      [
        'fetch',
        ['colour'],
        'Node "Fetch orders" (fetch), field "policy.colour": Unknown field "colour"',
      ],
    ]);
  });

  it('reports flow settings problems as document issues under settings', () => {
    const document = {
      ...flowDocument([trigger()], []),
      settings: { runTimeoutMs: 0, maxConcurrentRuns: 2, parallel: true },
    };
    expect(issuesOf(document)).toEqual([
      {
        code: 'document.invalid',
        path: ['settings', 'runTimeoutMs'],
        message: 'Field "settings.runTimeoutMs": Run timeout must be at least 1 ms',
      },
      {
        code: 'document.invalid',
        path: ['settings', 'parallel'],
        message: 'Field "settings.parallel": Unknown field "parallel"',
      },
    ]);
  });

  it('keeps valid policies and settings in the validated document, with their defaults', () => {
    const flow = assertValidFlow(
      {
        ...flowDocument([trigger()], [edge('trigger', 'fetch')]),
        nodes: [
          trigger(),
          { ...fetchNode(), policy: { rateLimit: { limit: 10, periodMs: 1_000 } } },
        ],
        settings: { runTimeoutMs: 60_000 },
      },
      registry,
    );
    expect(flow.nodes.get('fetch')?.node.policy).toEqual({
      rateLimit: { limit: 10, periodMs: 1_000, burst: 1, maxWaitMs: 300_000 },
    });
    expect(flow.document.nodes[1]?.policy).toBe(flow.nodes.get('fetch')?.node.policy);
    expect(flow.document.settings).toEqual({ runTimeoutMs: 60_000 });
    expect(flow.nodes.get('trigger')?.node).not.toHaveProperty('policy');
  });

  it('says a required field is required', () => {
    const [issue] = issuesOf(flowDocument([trigger(), fetchNode({})], [edge('trigger', 'fetch')]));
    expect(issue).toMatchObject({ code: 'node.invalid_config', path: ['url'] });
    expect(issue?.message).toBe('Node "fetch", field "url": URL is required');
  });

  it('rejects a JSONata expression that does not compile, with JSONata’s message and position', () => {
    const [issue] = issuesOf(
      flowDocument(
        [trigger(), node('paid', 'test.transform', { expression: '$.orders[' })],
        [edge('trigger', 'paid')],
      ),
    );
    expect(issue).toMatchObject({
      code: 'node.invalid_config',
      nodeId: 'paid',
      path: ['expression'],
    });
    expect(issue?.message).toBe(
      'Node "paid", field "expression": Expression is not a valid JSONata expression: ' +
        'Expected "]" before end of expression (at character 9)',
    );
  });

  it('reports edges whose source or target does not exist', () => {
    const issues = issuesOf(
      flowDocument([trigger(), fetchNode()], [edge('trigger', 'fetch'), edge('ghost', 'nowhere')]),
    );
    expect(issues).toEqual([
      expect.objectContaining({ code: 'edge.dangling', edgeId: 'ghost-nowhere', path: ['source'] }),
      expect.objectContaining({ code: 'edge.dangling', edgeId: 'ghost-nowhere', path: ['target'] }),
    ]);
    expect(issues[0]?.message).toBe(
      'Edge "ghost-nowhere" starts at node "ghost", which does not exist',
    );
  });

  it('requires edges out of a branching node to name one of its outputs', () => {
    const issues = issuesOf(
      flowDocument(
        [trigger(), node('check', 'test.if', { condition: '$.ok' }), paidNode(), fetchNode()],
        [edge('trigger', 'check'), edge('check', 'paid'), edge('check', 'fetch', 'maybe')],
      ),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'edge.unknown_handle',
        edgeId: 'check-paid',
        nodeId: 'check',
        path: ['sourceHandle'],
      }),
      expect.objectContaining({
        code: 'edge.unknown_handle',
        edgeId: 'check-maybe-fetch',
        path: ['sourceHandle'],
      }),
    ]);
    expect(issues[1]?.message).toBe(
      'Edge "check-maybe-fetch" leaves output "maybe", which Node "check" does not have; use one of "true", "false"',
    );
  });

  it('rejects edges into the trigger', () => {
    const issues = issuesOf(
      flowDocument([trigger(), fetchNode()], [edge('trigger', 'fetch'), edge('fetch', 'trigger')]),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'edge.into_trigger',
        edgeId: 'fetch-trigger',
        nodeId: 'trigger',
      }),
    ]);
  });

  it('reports a cycle once, naming the nodes on it but not those after it', () => {
    const issues = issuesOf(
      flowDocument(
        [
          trigger(),
          node('a', 'test.transform', { expression: '$' }),
          node('b', 'test.transform', { expression: '$' }),
          paidNode(),
        ],
        [edge('trigger', 'a'), edge('a', 'b'), edge('b', 'a'), edge('b', 'paid')],
      ),
    );
    expect(issues).toEqual([
      {
        code: 'graph.cycle',
        nodeId: 'a',
        path: [],
        message: 'Nodes "a" → "b" → "a" form a cycle; remove one of these connections',
      },
    ]);
  });

  it('reports a node connected to itself', () => {
    const issues = issuesOf(
      flowDocument([trigger(), paidNode()], [edge('trigger', 'paid'), edge('paid', 'paid')]),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'graph.cycle',
        nodeId: 'paid',
        message: expect.stringContaining('connected to itself'),
      }),
    ]);
  });

  it('requires exactly one trigger', () => {
    expect(issuesOf(flowDocument([paidNode()], []))).toEqual([
      expect.objectContaining({ code: 'graph.no_trigger' }),
    ]);
    const issues = issuesOf(flowDocument([trigger(), node('again', 'test.trigger')], []));
    expect(issues.map((issue) => [issue.code, issue.nodeId])).toEqual([
      ['graph.multiple_triggers', 'trigger'],
      ['graph.multiple_triggers', 'again'],
    ]);
  });

  it('collects every problem in one pass', () => {
    const issues = issuesOf(
      flowDocument(
        [fetchNode({ url: '' }), paidNode(), node('x', 'nope')],
        [edge('fetch', 'paid'), edge('paid', 'fetch'), edge('paid', 'gone')],
      ),
    );
    expect(issues.map((issue) => issue.code).sort()).toEqual([
      'edge.dangling',
      'graph.cycle',
      'graph.no_trigger',
      'node.invalid_config',
      'node.unknown_type',
    ]);
  });
});

describe('assertValidFlow', () => {
  it('throws FlowValidationError carrying every issue and naming the first', () => {
    const document = flowDocument([fetchNode({ url: 'nope' })], [], 'Orders');
    let thrown: unknown;
    try {
      assertValidFlow(document, registry);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FlowValidationError);
    const error = thrown as FlowValidationError;
    expect(error.code).toBe('FLOW_INVALID');
    expect(error.issues.map((issue) => issue.code)).toEqual([
      'node.invalid_config',
      'graph.no_trigger',
    ]);
    expect(error.message).toBe(
      'Flow "Orders" is invalid: Node "fetch", field "url": URL must be a valid http(s) URL (and 1 more problem(s))',
    );
  });
});

describe('validateFlow on values that cannot be stored', () => {
  it('reports a NUL character in a config field on the node and field', () => {
    const document = flowDocument(
      [trigger(), node('paid', 'test.transform', { expression: '$.a\u0000' })],
      [edge('trigger', 'paid')],
    );
    expect(issuesOf(document)).toContainEqual({
      code: 'node.invalid_config',
      message:
        'Node "paid", field "expression": contains a NUL character (\\u0000), which cannot be stored',
      nodeId: 'paid',
      path: ['expression'],
    });
  });

  it('reports an unpaired surrogate in a name or a config key', () => {
    const document = flowDocument(
      [
        trigger(),
        node('fetch', 'test.call', {
          url: 'http://127.0.0.1:9000/',
          headers: { 'x-\uD83D': '1' },
        }),
      ],
      [edge('trigger', 'fetch')],
    );
    const issues = issuesOf({ ...document, name: 'Orders \uDE00' });
    expect(issues).toContainEqual(
      expect.objectContaining({ code: 'document.invalid', path: ['name'] }),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({
        code: 'node.invalid_config',
        nodeId: 'fetch',
        path: ['headers', 'x-\uD83D'],
        message: expect.stringContaining('the field name contains invalid Unicode'),
      }),
    );
  });

  it('reports nesting deeper than the limit, however deep, without throwing', () => {
    for (const levels of [100, 10_000, 200_000]) {
      let body: unknown = 1;
      for (let i = 0; i < levels; i++) body = { a: body };
      const document = flowDocument(
        [trigger(), node('fetch', 'test.call', { url: 'http://127.0.0.1/', method: 'POST', body })],
        [edge('trigger', 'fetch')],
      );
      const issues = issuesOf(document);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({
        code: 'node.invalid_config',
        nodeId: 'fetch',
        message: expect.stringContaining('is nested more than 64 levels deep'),
      });
    }
  });

  it('names a node by position when its own id cannot be shown', () => {
    const document = flowDocument([trigger(), node('a\u0000', 'test.transform')], []);
    expect(issuesOf(document)).toContainEqual(
      expect.objectContaining({
        code: 'document.invalid',
        path: ['nodes', 1, 'id'],
        message: 'Field "nodes[1].id": contains a NUL character (\\u0000), which cannot be stored',
      }),
    );
  });
});
