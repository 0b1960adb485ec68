/** The destinations a validated flow names literally, node by node (see `egressTargets`). */
import type { NodeConfigWarning, NodeEgressTarget } from './node-type.ts';
import type { ValidatedFlow } from './validated-flow.ts';
import { nodeName } from './validation-messages.ts';

export type FlowEgressTarget = NodeEgressTarget & {
  nodeId: string;
  /** For messages: `Node "fetch"`, or with its label `Node "Fetch orders" (fetch)`. */
  nodeName: string;
};

export function egressTargetsOf(flow: ValidatedFlow): FlowEgressTarget[] {
  return flow.order.flatMap(({ node, definition, config }) =>
    (definition.egressTargets?.(config) ?? []).map((target) => ({
      nodeId: node.id,
      nodeName: nodeName(node),
      ...target,
    })),
  );
}

export type FlowConfigWarning = NodeConfigWarning & { nodeId: string; nodeName: string };

/** Each node's config warnings (see `configWarnings`), with the node named in the message. */
export function configWarningsOf(flow: ValidatedFlow): FlowConfigWarning[] {
  return flow.order.flatMap(({ node, definition, config }) =>
    (definition.configWarnings?.(config) ?? []).map((warning) => ({
      nodeId: node.id,
      nodeName: nodeName(node),
      path: warning.path,
      message: `${nodeName(node)}: ${warning.message}`,
    })),
  );
}
