/** The destinations a validated flow names literally, node by node (see `egressTargets`). */
import type { NodeEgressTarget } from './node-type.ts';
import type { ValidatedFlow } from './validated-flow.ts';

export type FlowEgressTarget = NodeEgressTarget & { nodeId: string };

export function egressTargetsOf(flow: ValidatedFlow): FlowEgressTarget[] {
  return flow.order.flatMap(({ node, definition, config }) =>
    (definition.egressTargets?.(config) ?? []).map((target) => ({ nodeId: node.id, ...target })),
  );
}
