import { Position } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { estimatedHandles, withEstimatedLayout } from './estimated-handles.ts';
import type { FlowCanvasNode } from './flow-types.ts';
import { DEFAULT_NODE_SIZE } from './node-placement.ts';

const node: FlowCanvasNode = {
  id: 'check',
  type: 'patchbay',
  position: { x: 0, y: 0 },
  data: { nodeType: 'logic.if', config: {} },
};
const IF_PORTS = {
  inputs: [{ id: 'in', label: 'in' }],
  outputs: [
    { id: 'true', label: 'true' },
    { id: 'false', label: 'false' },
  ],
};

describe('estimatedHandles', () => {
  it('puts inputs on the left and outputs down the right side, in port order', () => {
    const handles = estimatedHandles(IF_PORTS as never);
    expect(handles.map((h) => [h.id, h.type, h.position])).toEqual([
      ['in', 'target', Position.Left],
      ['true', 'source', Position.Right],
      ['false', 'source', Position.Right],
    ]);
    const [, first, second] = handles;
    expect(first?.x).toBeGreaterThan(DEFAULT_NODE_SIZE.width / 2);
    expect(first?.y ?? 0).toBeLessThan(second?.y ?? 0);
  });
});

describe('withEstimatedLayout', () => {
  it('gives an unmeasured node a size and handles, the same object each time', () => {
    const first = withEstimatedLayout(node, () => IF_PORTS as never);
    expect(first.measured?.width).toBe(DEFAULT_NODE_SIZE.width);
    // Never a real card's size, so React Flow reports the real one once the card mounts.
    expect(Number.isInteger(first.measured?.height)).toBe(false);
    expect(first.handles).toHaveLength(3);
    expect(withEstimatedLayout(node, () => IF_PORTS as never)).toBe(first);
  });

  it('leaves a measured node as it is', () => {
    const measured = { ...node, measured: { width: 248, height: 96 } };
    expect(withEstimatedLayout(measured, () => IF_PORTS as never)).toBe(measured);
  });
});
