/** Groups a run's step records by node (retries become attempts) for the list and canvas. */
import type { StepRun, StepStatus } from '../api/types.ts';

export type NodeRunStatus = StepStatus | 'pending';

export type NodeSteps = {
  nodeId: string;
  nodeType: string;
  /** The run's step number (`seq`) of the node's first attempt: where the node sits in the run. */
  seq: number;
  /** Oldest first. */
  attempts: StepRun[];
  latest: StepRun;
};

/**
 * Nodes in the order they first ran (the run's step numbers, `seq`, never timestamps); each with
 * every attempt.
 */
export function groupStepsByNode(steps: readonly StepRun[]): NodeSteps[] {
  const groups = new Map<string, StepRun[]>();
  for (const step of [...steps].sort((a, b) => a.seq - b.seq)) {
    const list = groups.get(step.nodeId);
    if (list) list.push(step);
    else groups.set(step.nodeId, [step]);
  }
  return [...groups.entries()].map(([nodeId, attempts]) => {
    const sorted = [...attempts].sort((a, b) => a.attempt - b.attempt);
    const latest = sorted.at(-1) as StepRun;
    const seq = Math.min(...attempts.map((attempt) => attempt.seq));
    return { nodeId, nodeType: latest.nodeType, seq, attempts: sorted, latest };
  });
}

export function nodeStatuses(groups: readonly NodeSteps[]): Map<string, NodeRunStatus> {
  return new Map(groups.map((g) => [g.nodeId, g.latest.status]));
}

/** Whether the edge was followed in this run: its source finished on this port and its target ran. */
export function edgeTaken(
  edge: { source: string; target: string; sourceHandle?: string | null | undefined },
  bySource: ReadonlyMap<string, NodeSteps>,
): boolean {
  const source = bySource.get(edge.source)?.latest;
  if (source?.status !== 'succeeded') return false;
  if (edge.sourceHandle && source.port && edge.sourceHandle !== source.port) return false;
  const target = bySource.get(edge.target)?.latest;
  return target !== undefined && target.status !== 'skipped';
}
