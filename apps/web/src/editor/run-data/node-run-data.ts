/**
 * What the editor knows of one run, per node: the latest attempt's status, input and output, and
 * the upstream data ($trigger, $nodes.<id>) a node sees. Pure, derived once per run snapshot.
 */
import type { RunDetail, StepRun } from '../../api/types.ts';
import { groupStepsByNode, type NodeSteps } from '../../runs/step-grouping.ts';

export type NodeRunData = {
  nodeId: string;
  /** The node's latest attempt. */
  step: StepRun;
  attempts: number;
};

export type RunData = {
  run: RunDetail;
  /** By node id, in the order the nodes first ran. */
  byNode: ReadonlyMap<string, NodeRunData>;
  groups: readonly NodeSteps[];
};

export function runDataOf(run: RunDetail): RunData {
  const groups = groupStepsByNode(run.steps);
  const byNode = new Map<string, NodeRunData>(
    groups.map((group) => [
      group.nodeId,
      { nodeId: group.nodeId, step: group.latest, attempts: group.attempts.length },
    ]),
  );
  return { run, byNode, groups };
}

/**
 * Upstream data as an expression sees it in this run: the trigger input and every node output
 * that succeeded. Truncated values stay previews (TruncatedValue): they are marked, not guessed.
 */
export function expressionScopeOf(data: RunData): {
  trigger: unknown;
  nodes: Record<string, unknown>;
} {
  const nodes: Record<string, unknown> = Object.create(null);
  for (const [nodeId, { step }] of data.byNode) {
    if (step.status === 'succeeded') nodes[nodeId] = step.output;
  }
  return { trigger: data.run.input, nodes };
}
