import { type FlowDocument, validateFlow } from '@patchbay/engine';
import { describe, expect, it } from 'vitest';
import { CONNECTORS, createConnectorRegistry } from '../connectors.ts';
import { EXPRESSION_PREVIEW_NODE_TYPE, planExpressionPreview } from './expression-preview-plan.ts';
import { planStepTest } from './step-test-plan.ts';

const registry = createConnectorRegistry(CONNECTORS).nodeTypes;

/** trigger → call (HTTP, with a policy only HTTP nodes may have) */
const document: FlowDocument = {
  version: 1,
  name: 'Preview plan',
  nodes: [
    { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'call',
      type: 'http.request',
      position: { x: 300, y: 0 },
      // Half edited: no URL yet.
      config: { url: '' },
      policy: { expressionTimeoutMs: 50, retry: { retryHttpStatuses: [503] } },
    },
  ],
  edges: [{ id: 'e1', source: 'trigger', target: 'call' }],
};

describe('planExpressionPreview', () => {
  it('swaps the node for an evaluator with its id, edges and expression time limit only', () => {
    const plan = planStepTest(document, 'call', registry, {
      trigger: { customer: 'Ada' },
      nodes: {},
      source: 'input',
    });
    const preview = planExpressionPreview(plan, registry, {
      expression: '$.customer',
      kind: 'jsonata',
      field: 'url',
    });
    expect(preview.node).toMatchObject({
      id: 'call',
      type: EXPRESSION_PREVIEW_NODE_TYPE,
      config: { expression: '$.customer', kind: 'jsonata', field: 'url' },
      policy: { expressionTimeoutMs: 50 },
    });
    expect(preview.document.edges).toEqual(plan.document.edges);
    expect(preview.completed).toBe(plan.completed);
    // The half-edited HTTP config and its HTTP-only policy no longer stop validation.
    expect(validateFlow(plan.document, registry).ok).toBe(false);
    expect(validateFlow(preview.document, preview.registry).ok).toBe(true);
    // No flow can name the preview type: the shared registry does not know it.
    expect(registry.has(EXPRESSION_PREVIEW_NODE_TYPE)).toBe(false);
    expect(preview.registry.has(EXPRESSION_PREVIEW_NODE_TYPE)).toBe(true);
  });
});
