/**
 * What an expression preview (flows.previewExpression) executes: the step-test plan of the node
 * whose field holds the expression, with that node swapped for one that only evaluates the
 * expression. The executor then gives it the node's exact input (`$`), `$nodes`, `$trigger` and
 * expression time limit, and the run's sandbox evaluates it, as in a run. Pure.
 */
import {
  defineNodeType,
  evaluateExpression,
  type FlowNode,
  type NodeTypeDefinition,
  type NodeTypeRegistry,
  renderTemplate,
  soleExpression,
} from '@patchbay/engine';
import { z } from 'zod';
import type { StepTestPlan } from './step-test-plan.ts';

export const EXPRESSION_KINDS = ['jsonata', 'template'] as const;
export type ExpressionKind = (typeof EXPRESSION_KINDS)[number];

/** The node type the previewed node becomes; never registered, so no flow can name it. */
export const EXPRESSION_PREVIEW_NODE_TYPE = 'patchbay.expressionPreview';

const previewConfigSchema = z.strictObject({
  expression: z.string(),
  kind: z.enum(EXPRESSION_KINDS),
  field: z.string(),
});

export type ExpressionToPreview = z.infer<typeof previewConfigSchema>;

/**
 * The value of the expression as the node would use it: a JSONata field's result; a template's
 * text, or the value itself when the template is one `{{ }}` (as an HTTP body uses it). Wrapped
 * in `{ value }` so that JSONata's "no match" (undefined) survives as a missing key.
 */
async function evaluatePreview(
  ctx: Parameters<NodeTypeDefinition['execute']>[0],
): Promise<{ value?: unknown }> {
  const { expression, kind, field } = ctx.config as ExpressionToPreview;
  const site = { nodeId: ctx.nodeId, field };
  if (kind === 'jsonata') return { value: await evaluateExpression(expression, ctx, site) };
  const sole = soleExpression(expression);
  return {
    value:
      sole === undefined
        ? await renderTemplate(expression, ctx, site)
        : await evaluateExpression(sole, ctx, site),
  };
}

function previewNodeType(inputs: NodeTypeDefinition['inputs']): NodeTypeDefinition {
  return defineNodeType({
    type: EXPRESSION_PREVIEW_NODE_TYPE,
    title: 'Expression preview',
    description: 'Evaluates one expression of a node with that node’s input.',
    category: 'transform',
    configSchema: previewConfigSchema,
    inputs,
    outputs: [],
    sideEffects: false,
    execute: async (ctx) => ({ output: await evaluatePreview(ctx) }),
  });
}

export type ExpressionPreviewPlan = StepTestPlan & { registry: NodeTypeRegistry };

/**
 * The step-test plan with its node evaluating `expression` instead of executing. The node keeps
 * its id, incoming edges and expression time limit; its other
 * config and policy are not needed, so a half-edited node can still preview a field.
 */
export function planExpressionPreview(
  plan: StepTestPlan,
  registry: NodeTypeRegistry,
  expression: ExpressionToPreview,
): ExpressionPreviewPlan {
  const original = registry.get(plan.node.type);
  const previewType = previewNodeType(original?.inputs ?? [{ id: 'in', label: 'Input' }]);
  const expressionTimeoutMs = plan.node.policy?.expressionTimeoutMs;
  const previewNode: FlowNode = {
    id: plan.node.id,
    type: EXPRESSION_PREVIEW_NODE_TYPE,
    position: plan.node.position,
    config: { ...expression },
    ...(expressionTimeoutMs === undefined ? {} : { policy: { expressionTimeoutMs } }),
  } as FlowNode;
  return {
    ...plan,
    node: previewNode,
    document: {
      ...plan.document,
      nodes: plan.document.nodes.map((node) => (node.id === previewNode.id ? previewNode : node)),
    },
    registry: {
      get: (type) => (type === EXPRESSION_PREVIEW_NODE_TYPE ? previewType : registry.get(type)),
      has: (type) => type === EXPRESSION_PREVIEW_NODE_TYPE || registry.has(type),
      list: () => registry.list(),
      describe: () => registry.describe(),
    },
  };
}
