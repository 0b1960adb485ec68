/** The node types Patchbay ships with. */
import { createNodeTypeRegistry, type NodeTypeRegistry } from './node-type-registry.ts';
import { httpRequestNode } from './nodes/http-request.ts';
import { logicIfNode } from './nodes/logic-if.ts';
import { transformJsonataNode } from './nodes/transform-jsonata.ts';
import { manualTriggerNode } from './nodes/trigger-manual.ts';

export const BUILT_IN_NODE_TYPES = [
  manualTriggerNode,
  httpRequestNode,
  transformJsonataNode,
  logicIfNode,
] as const;

export function createDefaultRegistry(): NodeTypeRegistry {
  return createNodeTypeRegistry(BUILT_IN_NODE_TYPES);
}
