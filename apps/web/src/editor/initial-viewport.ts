/**
 * A first viewport for a canvas before its nodes are measured: roughly where `fitView` will land.
 * With hundreds of nodes fitView zooms out below LOW_ZOOM; starting there means every node mounts
 * with its simple body at once, instead of mounting in full and redrawing when fitView zooms out.
 */
import { getViewportForBounds, type Viewport, type XYPosition } from '@xyflow/react';
import { DEFAULT_NODE_SIZE } from './node-placement.ts';

/** How the editor fits the flow in view: on opening it, from the fit-view control and after laying it out. */
export const FIT_VIEW_OPTIONS = { padding: 0.12, maxZoom: 1 };

/**
 * Where the editor opens a flow: the whole flow when it fits at `readableZoom` or more (then
 * `fit`, and fitView refines it once nodes are measured); else its start (the top-left of its
 * bounds, where the trigger usually sits) at `readableZoom`, as Node-RED opens at 1:1. A big flow
 * then opens with a few dozen readable cards in the DOM instead of hundreds of unreadable ones;
 * the minimap and zooming out give the overview.
 */
export function openingViewport(
  positions: readonly XYPosition[],
  pane: { width: number; height: number },
  options: { minZoom: number; maxZoom: number; padding: number; readableZoom: number },
): { viewport: Viewport; fit: boolean } {
  const whole = initialViewport(positions, pane, options);
  if (positions.length === 0 || whole.zoom >= options.readableZoom) {
    return { viewport: whole, fit: true };
  }
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  for (const { x, y } of positions) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
  }
  const zoom = options.readableZoom;
  const margin = options.padding * Math.min(pane.width, pane.height) * 0.5;
  return { viewport: { x: margin - minX * zoom, y: margin - minY * zoom, zoom }, fit: false };
}

export function initialViewport(
  positions: readonly XYPosition[],
  /** An upper bound of the pane's size (the window's): the zoom is then never too low. */
  pane: { width: number; height: number },
  options: { minZoom: number; maxZoom: number; padding: number },
): Viewport {
  if (positions.length === 0) return { x: 0, y: 0, zoom: 1 };
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const { x, y } of positions) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + DEFAULT_NODE_SIZE.width);
    maxY = Math.max(maxY, y + DEFAULT_NODE_SIZE.height);
  }
  return getViewportForBounds(
    { x: minX, y: minY, width: maxX - minX, height: maxY - minY },
    pane.width,
    pane.height,
    options.minZoom,
    options.maxZoom,
    options.padding,
  );
}
