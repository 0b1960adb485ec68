/**
 * What a step test executes (flows.testStep): the node under test with the nodes upstream of it,
 * every one of those marked completed with the data the caller gave (or an earlier run left), so
 * the executor runs exactly the one node, with the input and expression scope ($trigger,
 * $nodes.<id>) it would have in a run. Pure: no database, no clock.
 */
import type { CompletedStep, FlowDocument, FlowNode, NodeTypeRegistry } from '@patchbay/engine';
import { InvalidInputError } from '../domain-errors.ts';

/** Upstream data: the run's trigger input and node outputs by node id (their ports, if known). */
export type UpstreamData = {
  trigger: unknown;
  nodes: Readonly<Record<string, CompletedStep>>;
  /**
   * `input`: given in the call, wins over a pinned output. `run`: left by an earlier run; a
   * node's pinned output wins over it, as the editor shows the pinned data.
   */
  source: 'input' | 'run';
};

export type StepTestPlan = {
  /** The node under test and its ancestors; the node's retries cut to one attempt. */
  document: FlowDocument;
  node: FlowNode;
  /** Every ancestor (the trigger included): not executed, its output taken from the data. */
  completed: Record<string, CompletedStep>;
  triggerInput: unknown;
};

export function planStepTest(
  document: FlowDocument,
  nodeId: string,
  registry: NodeTypeRegistry,
  data: UpstreamData,
): StepTestPlan {
  const node = document.nodes.find((candidate) => candidate.id === nodeId);
  if (!node) {
    throw new InvalidInputError(
      'input.nodeId',
      `Flow "${document.name}" has no node "${nodeId}" to test.`,
      'unknown node',
    );
  }
  const trigger = document.nodes.find(
    (candidate) => registry.get(candidate.type)?.category === 'trigger',
  );
  if (registry.get(node.type)?.category === 'trigger') {
    throw new InvalidInputError(
      'input.nodeId',
      `Node "${nodeId}" is the flow's trigger: a trigger starts runs and has nothing to execute alone. Test a node after it, giving the trigger's data as input.trigger.`,
      'trigger node',
    );
  }
  const ancestors = ancestorsOf(document, nodeId);
  if (!trigger || !ancestors.has(trigger.id)) {
    throw new InvalidInputError(
      'input.nodeId',
      `Node "${nodeId}" is not connected to the flow's trigger, so no run would reach it. Connect it first.`,
      'not connected',
    );
  }
  const kept = new Set([...ancestors, nodeId]);
  const completed: Record<string, CompletedStep> = Object.create(null);
  const pinned = new Map(
    document.nodes
      .filter((candidate) => candidate.pinnedOutput !== undefined)
      .map((candidate) => [candidate.id, candidate.pinnedOutput]),
  );
  for (const id of ancestors) {
    const given = Object.hasOwn(data.nodes, id) ? data.nodes[id] : undefined;
    const pinnedWins = data.source === 'run' && pinned.has(id);
    // The trigger's output is otherwise what the run was started with.
    completed[id] = (pinnedWins ? undefined : given) ?? {
      output: pinned.has(id) ? pinned.get(id) : id === trigger.id ? data.trigger : undefined,
      port: null,
    };
  }
  const tested: FlowNode = {
    ...node,
    policy: { ...node.policy, retry: { ...node.policy?.retry, maxAttempts: 1 } },
  } as FlowNode;
  return {
    document: {
      ...document,
      nodes: document.nodes
        .filter((candidate) => kept.has(candidate.id))
        .map((candidate) => (candidate.id === nodeId ? tested : candidate)),
      edges: document.edges.filter((edge) => kept.has(edge.source) && kept.has(edge.target)),
    },
    node,
    completed,
    // A pinned trigger output is the run input later nodes see ($trigger), as over a run's.
    triggerInput:
      data.source === 'run' && pinned.has(trigger.id) ? pinned.get(trigger.id) : data.trigger,
  };
}

/** Ids of the nodes with a path to `nodeId`. */
function ancestorsOf(document: FlowDocument, nodeId: string): Set<string> {
  const incoming = new Map<string, string[]>();
  for (const edge of document.edges) {
    const sources = incoming.get(edge.target) ?? [];
    sources.push(edge.source);
    incoming.set(edge.target, sources);
  }
  const seen = new Set<string>();
  const stack = [...(incoming.get(nodeId) ?? [])];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id) || id === nodeId) continue;
    seen.add(id);
    stack.push(...(incoming.get(id) ?? []));
  }
  return seen;
}
