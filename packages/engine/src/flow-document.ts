/** The public, versioned JSON format of a flow (see docs/flow-format.md). */
import { z } from 'zod';
import { flowSettingsSchema, nodePolicyDocumentSchema } from './resilience/policy.ts';

export const FLOW_DOCUMENT_VERSION = 1 as const;

const identifier = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "_" and "-"');

const nodeFields = {
  id: identifier,
  type: z.string().min(1, 'must name a node type'),
  label: z.string().max(200).optional(),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }),
  config: z.record(z.string(), z.unknown()).default({}),
};

export const flowNodeSchema = z.object({
  ...nodeFields,
  /** Retry, timeout, breaker and rate-limit settings (see docs/flow-format.md). */
  policy: nodePolicyDocumentSchema.optional(),
});

export const flowEdgeSchema = z.object({
  id: identifier,
  source: z.string().min(1),
  target: z.string().min(1),
  sourceHandle: z.string().nullish(),
  targetHandle: z.string().nullish(),
});

function documentFields<Node extends z.ZodType>(node: Node) {
  return {
    version: z.literal(FLOW_DOCUMENT_VERSION),
    name: z.string().trim().min(1, 'must not be empty').max(200),
    description: z.string().max(2000).optional(),
    nodes: z.array(node).max(500, 'a flow may hold at most 500 nodes'),
    edges: z.array(flowEdgeSchema).max(2000, 'a flow may hold at most 2000 edges'),
  };
}

export const flowDocumentSchema = z.object({
  ...documentFields(flowNodeSchema),
  /** Per-flow execution settings: concurrency limit and run timeout. */
  settings: flowSettingsSchema.optional(),
});

/**
 * The document's shape with `policy` and `settings` left unchecked. Validation checks those
 * separately, so that a bad policy is reported on its node and field like a bad config, and the
 * node stays in the graph for the other checks.
 */
export const flowNodeShapeSchema = z.object({ ...nodeFields, policy: z.unknown().optional() });
export const flowDocumentShapeSchema = z.object({
  ...documentFields(flowNodeShapeSchema),
  settings: z.unknown().optional(),
});

export type FlowNode = z.infer<typeof flowNodeSchema>;
export type FlowEdge = z.infer<typeof flowEdgeSchema>;
export type FlowDocument = z.infer<typeof flowDocumentSchema>;
export type FlowNodeShape = z.infer<typeof flowNodeShapeSchema>;
