/** The public, versioned JSON format of a flow (see docs/flow-format.md). */
import { z } from 'zod';
import { flowSettingsSchema, nodePolicyDocumentSchema } from './resilience/policy.ts';

export const FLOW_DOCUMENT_VERSION = 1 as const;

/** Most nodes a flow may hold: a large generated flow, still validated and saved in well under a second. */
export const MAX_FLOW_NODES = 2000;
/** Most edges a flow may hold: four per node on average, as fan-in and fan-out need. */
export const MAX_FLOW_EDGES = 4 * MAX_FLOW_NODES;

const identifier = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "_" and "-"');

/** Largest pinned output of one node, as JSON text. */
export const MAX_PINNED_OUTPUT_CHARS = 256 * 1024;

const nodeFields = {
  id: identifier,
  type: z.string().min(1, 'must name a node type'),
  label: z.string().max(200).optional(),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }),
  config: z.record(z.string(), z.unknown()).default({}),
  /**
   * Sample output pinned in the editor: step tests (flows.testStep) of the nodes after this one
   * use it as this node's output. Runs never read it. Its size is checked by validateFlow
   * (MAX_PINNED_OUTPUT_CHARS), on the node, so the node stays in the graph.
   */
  pinnedOutput: z.unknown().optional(),
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

function documentFields<Node extends z.ZodType>(node: Node, counted = true) {
  return {
    version: z.literal(FLOW_DOCUMENT_VERSION),
    name: z.string().trim().min(1, 'must not be empty').max(200),
    description: z.string().max(2000).optional(),
    nodes: counted
      ? z.array(node).max(MAX_FLOW_NODES, `a flow may hold at most ${MAX_FLOW_NODES} nodes`)
      : z.array(node),
    edges: counted
      ? z
          .array(flowEdgeSchema)
          .max(MAX_FLOW_EDGES, `a flow may hold at most ${MAX_FLOW_EDGES} edges`)
      : z.array(flowEdgeSchema),
  };
}

export const flowDocumentSchema = z.object({
  ...documentFields(flowNodeSchema),
  /** Per-flow execution settings: concurrency limit and run timeout. */
  settings: flowSettingsSchema.optional(),
});

/**
 * A stored document as read back: the same shape without the node and edge counts, so a flow
 * saved under other limits (or written into the database by hand) can still be opened and fixed.
 * Saving and running it validate it against flowDocumentSchema again.
 */
export const storedFlowDocumentSchema = z.object({
  ...documentFields(flowNodeSchema, false),
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
