import type { FlowDocument } from '@patchbay/engine';
import { describe, expect, it } from 'vitest';
import { CONNECTORS, createConnectorRegistry } from '../connectors.ts';
import { InvalidInputError } from '../domain-errors.ts';
import { planStepTest } from './step-test-plan.ts';

const registry = createConnectorRegistry(CONNECTORS).nodeTypes;
const node = (id: string, type = 'transform.jsonata') => ({
  id,
  type,
  position: { x: 0, y: 0 },
  config: type === 'trigger.manual' ? {} : { expression: '$' },
});
const edge = (source: string, target: string) => ({ id: `${source}-${target}`, source, target });

/** trigger → a → b → c, and a → side (a branch not upstream of c). */
const document: FlowDocument = {
  version: 1,
  name: 'Plan',
  nodes: [
    node('trigger', 'trigger.manual'),
    node('a'),
    node('b'),
    node('c'),
    node('side'),
    node('x'),
  ],
  edges: [edge('trigger', 'a'), edge('a', 'b'), edge('b', 'c'), edge('a', 'side')],
};

describe('planStepTest', () => {
  it('keeps the node and its ancestors, all ancestors completed with the given data', () => {
    const plan = planStepTest(document, 'c', registry, {
      trigger: { order: 1 },
      nodes: { b: { output: { total: 3 }, port: null } },
      source: 'input',
    });
    expect(plan.document.nodes.map((kept) => kept.id)).toEqual(['trigger', 'a', 'b', 'c']);
    expect(plan.document.edges.map((kept) => kept.id)).toEqual(['trigger-a', 'a-b', 'b-c']);
    expect({ ...plan.completed }).toEqual({
      trigger: { output: { order: 1 }, port: null },
      a: { output: undefined, port: null },
      b: { output: { total: 3 }, port: null },
    });
    expect(plan.document.nodes.at(-1)?.policy?.retry?.maxAttempts).toBe(1);
    expect(plan.triggerInput).toEqual({ order: 1 });
  });

  it("uses a node's pinned output unless the call gives that node's output", () => {
    const pinned: FlowDocument = {
      ...document,
      nodes: document.nodes.map((entry) =>
        entry.id === 'a' || entry.id === 'b'
          ? { ...entry, pinnedOutput: { pinned: entry.id } }
          : entry,
      ),
    };
    const fromInput = planStepTest(pinned, 'c', registry, {
      trigger: {},
      nodes: { b: { output: { given: true }, port: null } },
      source: 'input',
    });
    expect(fromInput.completed.a?.output).toEqual({ pinned: 'a' });
    expect(fromInput.completed.b?.output).toEqual({ given: true });
    const fromRun = planStepTest(pinned, 'c', registry, {
      trigger: {},
      nodes: { b: { output: { fromRun: true }, port: 'x' } },
      source: 'run',
    });
    expect(fromRun.completed.b).toEqual({ output: { pinned: 'b' }, port: null });
  });

  it("takes a pinned trigger output as $trigger over a run's input, not over a given one", () => {
    const pinned: FlowDocument = {
      ...document,
      nodes: document.nodes.map((entry) =>
        entry.id === 'trigger' ? { ...entry, pinnedOutput: { sample: 1 } } : entry,
      ),
    };
    const fromRun = planStepTest(pinned, 'a', registry, {
      trigger: { fromRun: true },
      nodes: { trigger: { output: { fromRun: true }, port: null } },
      source: 'run',
    });
    expect(fromRun.triggerInput).toEqual({ sample: 1 });
    expect(fromRun.completed.trigger?.output).toEqual({ sample: 1 });
    const given = planStepTest(pinned, 'a', registry, {
      trigger: { given: true },
      nodes: {},
      source: 'input',
    });
    expect(given.triggerInput).toEqual({ given: true });
  });

  it('refuses the trigger, an unknown node and a node the trigger does not reach', () => {
    const data = { trigger: {}, nodes: {}, source: 'input' } as const;
    for (const [nodeId, message] of [
      ['trigger', /is the flow's trigger/],
      ['missing', /has no node "missing"/],
      ['x', /not connected to the flow's trigger/],
    ] as const) {
      const attempt = () => planStepTest(document, nodeId, registry, data);
      expect(attempt).toThrow(InvalidInputError);
      expect(attempt).toThrow(message);
    }
  });
});
