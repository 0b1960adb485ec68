import { describe, expect, it } from 'vitest';
import { findFreePosition, placeNewNode } from './node-placement.ts';

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

describe('placeNewNode', () => {
  const view = { x: 0, y: 0, width: 1200, height: 800 };
  const selected = { position: { x: 100, y: 100 }, measured: { width: 248, height: 90 } };

  it('puts the node to the right of the selected one', () => {
    const spot = placeNewNode(selected, [selected], view);
    expect(spot).toEqual({ x: 100 + 248 + 48, y: 100 });
  });

  it('moves past a card already on the right', () => {
    const neighbour = { position: { x: 400, y: 100 }, measured: { width: 248, height: 90 } };
    const spot = placeNewNode(selected, [selected, neighbour], view);
    expect(spot.y).toBe(100);
    expect(spot.x).toBeGreaterThanOrEqual(400 + 248 + 24);
  });

  it('goes below the selected node when the right side is out of view', () => {
    const nearEdge = { position: { x: 800, y: 100 }, measured: { width: 248, height: 90 } };
    const spot = placeNewNode(nearEdge, [nearEdge], view);
    expect(spot).toEqual({ x: 800, y: 100 + 90 + 48 });
  });

  it('uses the centre of the view with no selection, or when the selection is off screen', () => {
    const centre = { x: 600 - 124, y: 400 - 45 };
    expect(placeNewNode(undefined, [], view)).toEqual(centre);
    const offScreen = { position: { x: 5000, y: 5000 } };
    expect(placeNewNode(offScreen, [offScreen], view)).toEqual(centre);
  });
});
