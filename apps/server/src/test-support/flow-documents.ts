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
