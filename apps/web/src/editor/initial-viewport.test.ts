import { describe, expect, it } from 'vitest';
import { initialViewport, openingViewport } from './initial-viewport.ts';
import { DEFAULT_NODE_SIZE } from './node-placement.ts';

const OPTIONS = { minZoom: 0.25, maxZoom: 1, padding: 0.12 };
const PANE = { width: 1600, height: 1000 };

describe('initialViewport', () => {
  it('starts an empty canvas at zoom 1', () => {
    expect(initialViewport([], PANE, OPTIONS)).toEqual({ x: 0, y: 0, zoom: 1 });
  });

  it('keeps a small flow at the fit zoom cap', () => {
    const viewport = initialViewport(
      [
        { x: 0, y: 0 },
        { x: 300, y: 0 },
      ],
      PANE,
      OPTIONS,
    );
    expect(viewport.zoom).toBe(1);
  });

  it('zooms a 1,000-node grid out to the minimum, where nodes draw their simple body', () => {
    const positions = Array.from({ length: 1000 }, (_, i) => ({
      x: (i % 25) * 300,
      y: Math.floor(i / 25) * 160,
    }));
    expect(initialViewport(positions, PANE, OPTIONS).zoom).toBe(0.25);
  });

  it('fits the bounds of the cards, not just their corners', () => {
    const viewport = initialViewport(
      [{ x: 0, y: 0 }],
      { width: 1000, height: 1000 },
      {
        ...OPTIONS,
        maxZoom: 10,
        padding: 0,
      },
    );
    expect(viewport.zoom).toBeCloseTo(1000 / DEFAULT_NODE_SIZE.width);
  });
});

describe('openingViewport', () => {
  const READABLE = { ...OPTIONS, readableZoom: 0.5 };
  const grid = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ x: (i % 25) * 300, y: Math.floor(i / 25) * 160 }));

  it('fits a flow that is readable whole', () => {
    const opening = openingViewport(grid(5), PANE, READABLE);
    expect(opening.fit).toBe(true);
    expect(opening.viewport).toEqual(initialViewport(grid(5), PANE, OPTIONS));
  });

  it('opens a big flow at its top-left corner at the readable zoom, not fitted', () => {
    const positions = grid(1000).map(({ x, y }) => ({ x: x - 500, y: y + 200 }));
    const opening = openingViewport(positions, PANE, READABLE);
    expect(opening.fit).toBe(false);
    expect(opening.viewport.zoom).toBe(0.5);
    // The first card's top-left lands inside the pane, near its corner.
    const screenX = -500 * 0.5 + opening.viewport.x;
    const screenY = 200 * 0.5 + opening.viewport.y;
    expect(screenX).toBeGreaterThan(0);
    expect(screenX).toBeLessThan(100);
    expect(screenY).toBeGreaterThan(0);
    expect(screenY).toBeLessThan(100);
  });
});
