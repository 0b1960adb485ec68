/** Flow documents for run tests: a manual trigger followed by a chain of nodes. */
import type { FlowDocument } from '@patchbay/engine';

export type ChainNode = {
  id: string;
  type: string;
  config: Record<string, unknown>;
  policy?: Record<string, unknown>;
  label?: string;
};

export function chainFlow(
  name: string,
  nodes: ChainNode[],
  settings?: {
    maxConcurrentRuns?: number;
    maxQueuedRuns?: number;
    runTimeoutMs?: number;
    maxRunsKept?: number;
    errorFlowId?: string;
  },
): FlowDocument {
  const ids = ['trigger', ...nodes.map((node) => node.id)];
  return {
    version: 1,
    name,
    ...(settings ? { settings } : {}),
    nodes: [
      { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
      ...nodes.map((node, i) => ({
        id: node.id,
        type: node.type,
        position: { x: 200 * (i + 1), y: 0 },
        config: node.config,
        ...(node.policy ? { policy: node.policy } : {}),
        ...(node.label ? { label: node.label } : {}),
      })),
    ],
    edges: ids.slice(1).map((target, i) => ({ id: `e${i}`, source: ids[i]!, target })),
  } as FlowDocument;
}

export function httpNode(id: string, url: string, policy?: Record<string, unknown>): ChainNode {
  return {
    id,
    type: 'http.request',
    config: { method: 'POST', url },
    ...(policy ? { policy } : {}),
  };
}

export function transformNode(id: string, expression: string): ChainNode {
  return { id, type: 'transform.jsonata', config: { expression } };
}

/**
 * A flow of `nodes` nodes in all (the manual trigger included), laid out as the editor would:
 * `chain`: trigger → t1 → t2 → …; `fan-out`: the trigger feeds every other node directly. Each
 * node is a cheap JSONata transform with a label, so the document is as large as a real one.
 */
export function largeFlow(name: string, nodes: number, shape: 'chain' | 'fan-out'): FlowDocument {
  const ids = Array.from({ length: nodes - 1 }, (_, i) => `step_${i + 1}`);
  return {
    version: 1,
    name,
    nodes: [
      { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
      ...ids.map((id, i) => ({
        id,
        type: 'transform.jsonata',
        label: `Step ${i + 1}`,
        position:
          shape === 'chain'
            ? { x: 240 * ((i + 1) % 40), y: 160 * Math.floor((i + 1) / 40) }
            : { x: 480, y: 120 * i },
        // `$` takes the evaluator's fast path. Two thousand sandboxed evaluations started at once
        // queue for the one sandbox process, and the last ones' attempt timeout (30 s) runs out
        // while they wait on a loaded machine: the step timeout counts that queueing (a known
        // weakness of very wide fan-outs, noted in docs/architecture.md).
        config: { expression: '$' },
      })),
    ],
    edges: ids.map((target, i) => ({
      id: `e${i + 1}`,
      source: shape === 'chain' ? (i === 0 ? 'trigger' : ids[i - 1]!) : 'trigger',
      target,
    })),
  } as FlowDocument;
}
