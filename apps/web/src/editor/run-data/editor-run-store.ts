/**
 * The run the editor shows on its canvas and in its inspector: the flow's latest run when the
 * editor opens, then each run started from the editor, kept current while it runs. Components
 * select one node's data (`selectNodeRun`), so a step update re-renders only what it changes.
 */
import { create } from 'zustand';
import type { RunDetail } from '../../api/types.ts';
import { type NodeRunData, type RunData, runDataOf } from './node-run-data.ts';

type EditorRunState = {
  flowId: string | null;
  data: RunData | null;
  /** Forgets the run when the editor opens another flow. */
  reset(flowId: string): void;
  /**
   * Shows this snapshot of a run. An older run never replaces a newer one (a late answer for the
   * flow's latest run must not hide the run just started); the same run always refreshes.
   */
  show(run: RunDetail): void;
};

export const useEditorRunStore = create<EditorRunState>()((set, get) => ({
  flowId: null,
  data: null,
  reset(flowId) {
    if (get().flowId !== flowId) set({ flowId, data: null });
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
    set({ data: runDataOf(run) });
  },
}));

export const selectShownRun = (state: EditorRunState): RunDetail | null => state.data?.run ?? null;

/** One node's latest attempt in the shown run; the same object while that node's step is unchanged. */
export function selectNodeRun(nodeId: string) {
  return (state: EditorRunState): NodeRunData | undefined => state.data?.byNode.get(nodeId);
}
