import { describe, expect, it } from 'vitest';
import { egressTargetsOf } from './egress-targets.ts';
import { createNodeTypeRegistry } from './node-type-registry.ts';
import { FIXTURE_NODE_TYPES } from './test-support/fixture-node-types.ts';
import { assertValidFlow } from './validate-flow.ts';

describe('egressTargetsOf', () => {
  it('lists the literal destinations of every node that declares them', () => {
    const flow = assertValidFlow(
      {
        version: 1,
        name: 'Calls',
        nodes: [
          { id: 'trigger', type: 'test.trigger', position: { x: 0, y: 0 }, config: {} },
          {
            id: 'fixed',
            type: 'test.call',
            position: { x: 0, y: 0 },
            config: { url: 'http://127.0.0.1:5432/' },
          },
          {
            id: 'templated',
            type: 'test.call',
            position: { x: 0, y: 0 },
            config: { url: '{{ $.url }}' },
          },
        ],
        edges: [
          { id: 'e1', source: 'trigger', target: 'fixed' },
          { id: 'e2', source: 'fixed', target: 'templated' },
        ],
      },
      createNodeTypeRegistry(FIXTURE_NODE_TYPES),
    );
    expect(egressTargetsOf(flow)).toEqual([
      { nodeId: 'fixed', nodeName: 'Node "fixed"', path: ['url'], host: '127.0.0.1', port: 5432 },
    ]);
  });
});
