/**
 * Below LOW_ZOOM a canvas node draws a simpler body (its coloured box and title): the details are
 * unreadable there, and with hundreds of nodes on screen they cost most of each frame.
 */
import { type ReactFlowState, useStore } from '@xyflow/react';

export const LOW_ZOOM = 0.5;

const selectLowZoom = (s: ReactFlowState): boolean => s.transform[2] < LOW_ZOOM;

/** Whether the canvas is zoomed out below LOW_ZOOM; changes (and re-renders) only on crossing it. */
export function useLowZoom(): boolean {
  return useStore(selectLowZoom);
}
