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
