/**
 * The run the editor shows on its canvas and in its inspector: the flow's latest run when the
 * editor opens, then each run started from the editor, kept current while it runs. Components
 * select one node's data (`selectNodeRun`), so a step update re-renders only what it changes.
 * The run's data lives here, apart from the editor store: it never touches the document, the
 * dirty state or the undo history.
 */
import { create } from 'zustand';
import type { RunDetail } from '../../api/types.ts';
import { isActiveRun } from '../../ui/status-badge.tsx';
import { type NodeRunData, type RunData, runDataOf } from './node-run-data.ts';

type EditorRunState = {
  flowId: string | null;
  data: RunData | null;
  /** The run started from the editor and watched live (runs.watch), if any. */
  liveRunId: string | null;
  /** Forgets the run when the editor opens another flow. */
  reset(flowId: string): void;
  /**
   * Shows this snapshot of a run. An older run never replaces a newer one (a late answer for the
   * flow's latest run must not hide the run just started); the same run refreshes, unless the
   * snapshot is of an earlier state than a final one shown.
   */
  show(run: RunDetail): void;
  /** Watches this run, just started from the editor: its snapshots come through `show`. */
  watch(runId: string): void;
  /** Clears the overlay: no run on the canvas or in the inspector until the next one. */
  dismiss(): void;
};

export const useEditorRunStore = create<EditorRunState>()((set, get) => ({
  flowId: null,
  data: null,
  liveRunId: null,
  reset(flowId) {
    if (get().flowId !== flowId) set({ flowId, data: null, liveRunId: null });
  },
  show(run) {
    const { flowId, data } = get();
    if (flowId !== null && run.flowId !== flowId) return;
    const current = data?.run;
    if (
      current &&
      current.id !== run.id &&
      Date.parse(current.createdAt) > Date.parse(run.createdAt)
    ) {
      return;
    }
    // A late runs.get answer must not take a finished run back to running.
    if (current?.id === run.id && !isActiveRun(current.status) && isActiveRun(run.status)) return;
    set({ data: runDataOf(run, data) });
  },
  watch(runId) {
    set({ liveRunId: runId });
  },
  dismiss() {
    set({ data: null, liveRunId: null });
  },
}));

/** How the shown run is labelled: `live` (started here, watched) or `last` (the flow's latest). */
export type ShownRunKind = 'live' | 'last';

export const selectShownRunKind = (state: EditorRunState): ShownRunKind | null => {
  if (!state.data) return null;
  return state.data.run.id === state.liveRunId ? 'live' : 'last';
};

export const selectShownRun = (state: EditorRunState): RunDetail | null => state.data?.run ?? null;

/** One node's latest attempt in the shown run; the same object while that node's step is unchanged. */
export function selectNodeRun(nodeId: string) {
  return (state: EditorRunState): NodeRunData | undefined => state.data?.byNode.get(nodeId);
}
