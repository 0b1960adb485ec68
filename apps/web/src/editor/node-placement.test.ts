import { describe, expect, it } from 'vitest';
import { findFreePosition } from './node-placement.ts';

describe('findFreePosition', () => {
  it('keeps the preferred spot when nothing is there', () => {
    expect(findFreePosition({ x: 10, y: 20 }, [{ position: { x: 600, y: 0 } }])).toEqual({
      x: 10,
      y: 20,
    });
  });

  it('moves right past every card in the way', () => {
    const nodes = [
      { position: { x: 0, y: 0 }, measured: { width: 248, height: 60 } },
      { position: { x: 300, y: 30 }, measured: { width: 248, height: 100 } },
    ];
    const spot = findFreePosition({ x: 10, y: 10 }, nodes);
    expect(spot.y).toBe(10);
    expect(spot.x).toBeGreaterThanOrEqual(300 + 248 + 24);
  });
});
