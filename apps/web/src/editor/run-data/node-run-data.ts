/**
 * What the editor knows of one run, per node: the latest attempt's status, input and output, and
 * the upstream data ($trigger, $nodes.<id>) a node sees. Pure, derived once per run snapshot.
 */
import type { RunDetail, StepRun } from '../../api/types.ts';
import { edgeTaken, groupStepsByNode, type NodeSteps } from '../../runs/step-grouping.ts';

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

/**
 * The run's data per node. Given the data of an earlier snapshot of the same run, a node whose
 * latest attempt has not changed keeps its object, so that only the nodes that changed re-render.
 */
export function runDataOf(run: RunDetail, previous?: RunData | null): RunData {
  const groups = groupStepsByNode(run.steps);
  const earlier = previous?.run.id === run.id ? previous.byNode : undefined;
  const byNode = new Map<string, NodeRunData>(
    groups.map((group) => {
      const data = { nodeId: group.nodeId, step: group.latest, attempts: group.attempts.length };
      const old = earlier?.get(group.nodeId);
      return [group.nodeId, old && sameNodeRun(old, data) ? old : data];
    }),
  );
  return { run, byNode, groups };
}

/** What a step writes as it moves on: a new attempt, a status, its end, its wait. */
function sameNodeRun(a: NodeRunData, b: NodeRunData): boolean {
  return (
    a.attempts === b.attempts &&
    a.step.id === b.step.id &&
    a.step.status === b.step.status &&
    a.step.startedAt === b.step.startedAt &&
    a.step.finishedAt === b.step.finishedAt &&
    a.step.nextAttemptAt === b.step.nextAttemptAt &&
    a.step.waitReason === b.step.waitReason
  );
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

/**
 * The ids of the edges the run followed, space-separated in edge order: a string, so that a
 * component selecting it re-renders only when the set changes, not on every snapshot.
 */
export function takenEdgeKey(
  data: RunData | null,
  edges: readonly { id: string; source: string; target: string; sourceHandle?: string | null }[],
): string {
  if (!data) return '';
  const byNode = new Map(data.groups.map((group) => [group.nodeId, group]));
  return edges
    .filter((edge) => edgeTaken(edge, byNode))
    .map((edge) => edge.id)
    .join(' ');
}
