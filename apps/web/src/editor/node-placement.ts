/** Where to put a node added by click, so it never lands on top of an existing card. */
import type { XYPosition } from '@xyflow/react';

export type PlacedRect = { position: XYPosition; measured?: { width?: number; height?: number } };

export const DEFAULT_NODE_SIZE = { width: 248, height: 90 };
const GAP = 24;
const MAX_TRIES = 100;

function overlaps(a: XYPosition, b: PlacedRect, size: typeof DEFAULT_NODE_SIZE): boolean {
  const bw = b.measured?.width ?? DEFAULT_NODE_SIZE.width;
  const bh = b.measured?.height ?? DEFAULT_NODE_SIZE.height;
  return (
    a.x < b.position.x + bw + GAP &&
    a.x + size.width + GAP > b.position.x &&
    a.y < b.position.y + bh + GAP &&
    a.y + size.height + GAP > b.position.y
  );
}

/**
 * The preferred spot, or the first free spot to its right (flows read left to right), moving
 * past whatever is in the way.
 */
export function findFreePosition(
  preferred: XYPosition,
  nodes: readonly PlacedRect[],
  size = DEFAULT_NODE_SIZE,
): XYPosition {
  let candidate = { ...preferred };
  for (let i = 0; i < MAX_TRIES; i++) {
    const blocker = nodes.find((n) => overlaps(candidate, n, size));
    if (!blocker) return candidate;
    const blockerWidth = blocker.measured?.width ?? DEFAULT_NODE_SIZE.width;
    candidate = { x: blocker.position.x + blockerWidth + GAP * 2, y: candidate.y };
  }
  return candidate;
}

export type ViewRect = { x: number; y: number; width: number; height: number };

function sizeOf(rect: PlacedRect) {
  return {
    width: rect.measured?.width ?? DEFAULT_NODE_SIZE.width,
    height: rect.measured?.height ?? DEFAULT_NODE_SIZE.height,
  };
}

function fitsInView(position: XYPosition, view: ViewRect, size = DEFAULT_NODE_SIZE): boolean {
  return (
    position.x >= view.x &&
    position.y >= view.y &&
    position.x + size.width <= view.x + view.width &&
    position.y + size.height <= view.y + view.height
  );
}

/**
 * Where a node added from the keyboard goes: to the right of the selected node (the next step
 * of a flow), else below it, in the first free spot that is inside the visible part of the
 * canvas (`view`, in flow coordinates); failing that, or with nothing selected, a free spot at
 * the view's centre.
 */
export function placeNewNode(
  anchor: PlacedRect | undefined,
  nodes: readonly PlacedRect[],
  view: ViewRect,
): XYPosition {
  if (anchor) {
    const { width, height } = sizeOf(anchor);
    const beside = findFreePosition(
      { x: anchor.position.x + width + GAP * 2, y: anchor.position.y },
      nodes,
    );
    if (fitsInView(beside, view)) return beside;
    const below = findFreePosition(
      { x: anchor.position.x, y: anchor.position.y + height + GAP * 2 },
      nodes,
    );
    if (fitsInView(below, view)) return below;
  }
  const centre = {
    x: view.x + view.width / 2 - DEFAULT_NODE_SIZE.width / 2,
    y: view.y + view.height / 2 - DEFAULT_NODE_SIZE.height / 2,
  };
  return findFreePosition(centre, nodes);
}
