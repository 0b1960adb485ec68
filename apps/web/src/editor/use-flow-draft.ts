/**
 * Keeps the open flow's unsaved edits in localStorage (written once editing pauses, or at least
 * every MAX_WRITE_DELAY_MS while it goes on, in idle time; removed once the editor is clean
 * again: saved, or undone back to the saved state). Serialising a big flow and writing it costs
 * tens of milliseconds, so it must not land between keystrokes.
 */
import { useEffect } from 'react';
import { selectDirty, useEditorStore } from './editor-store.ts';
import { clearDraft, writeDraft } from './flow-draft-storage.ts';

const WRITE_DELAY_MS = 1_000;
const MAX_WRITE_DELAY_MS = 10_000;

const whenIdle = (callback: () => void): void => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(callback, { timeout: 1_000 });
  else callback();
};

/** Per flow: the revision whose edits the user chose to discard (leaving the editor). */
const discardedRevisions = new Map<string, number>();

/**
 * Throws the open flow's draft away: removed now, and not written again for these edits, even
 * by a write already scheduled (the editor may stay mounted while the next page loads).
 */
export function discardDraft(flowId: string, revision: number): void {
  discardedRevisions.set(flowId, revision);
  clearDraft(localStorage, flowId);
}

export function useFlowDraft(flowId: string, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    // A new visit: its edits are new, whatever their revision numbers.
    discardedRevisions.delete(flowId);
    let timer: ReturnType<typeof setTimeout> | undefined;
    /** When the oldest unwritten edit was made; undefined when everything is written. */
    let pendingSince: number | undefined;
    let stopped = false;
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      // An idle write queued before the editor closed must not bring a discarded draft back.
      if (stopped) return;
      pendingSince = undefined;
      const state = useEditorStore.getState();
      if (state.flowId !== flowId || discardedRevisions.get(flowId) === state.revision) return;
      discardedRevisions.delete(flowId);
      if (selectDirty(state)) writeDraft(localStorage, flowId, state.toDocument());
      else clearDraft(localStorage, flowId);
    };
    const unsubscribe = useEditorStore.subscribe((next, prev) => {
      if (next.revision === prev.revision && next.savedRevision === prev.savedRevision) return;
      if (!selectDirty(next)) {
        flush();
        return;
      }
      pendingSince ??= Date.now();
      clearTimeout(timer);
      const wait = Math.min(WRITE_DELAY_MS, pendingSince + MAX_WRITE_DELAY_MS - Date.now());
      timer = setTimeout(() => whenIdle(flush), Math.max(0, wait));
    });
    const onPageHide = () => {
      if (pendingSince !== undefined) flush();
    };
    window.addEventListener('pagehide', onPageHide);
    return () => {
      unsubscribe();
      window.removeEventListener('pagehide', onPageHide);
      // Leaving in-app was confirmed as a discard (use-unsaved-changes-guard), so no flush.
      stopped = true;
      clearTimeout(timer);
    };
  }, [flowId, enabled]);
}
