import { describe, expect, it } from 'vitest';
import { initialViewport } from './initial-viewport.ts';
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
