/**
 * Keeps the open flow's unsaved edits in localStorage (written shortly after each edit,
 * removed once the editor is clean again: saved, or undone back to the saved state).
 */
import { useEffect } from 'react';
import { selectDirty, useEditorStore } from './editor-store.ts';
import { clearDraft, writeDraft } from './flow-draft-storage.ts';

const WRITE_DELAY_MS = 300;

export function useFlowDraft(flowId: string, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const state = useEditorStore.getState();
      if (state.flowId !== flowId) return;
      if (selectDirty(state)) writeDraft(localStorage, flowId, state.toDocument());
      else clearDraft(localStorage, flowId);
    };
    const unsubscribe = useEditorStore.subscribe((next, prev) => {
      if (next.revision === prev.revision && next.savedRevision === prev.savedRevision) return;
      if (!selectDirty(next)) {
        if (timer) clearTimeout(timer);
        flush();
        return;
      }
      if (!timer) timer = setTimeout(flush, WRITE_DELAY_MS);
    });
    const onPageHide = () => {
      if (timer) {
        clearTimeout(timer);
        flush();
      }
    };
    window.addEventListener('pagehide', onPageHide);
    return () => {
      unsubscribe();
      window.removeEventListener('pagehide', onPageHide);
      // Leaving in-app was confirmed as a discard (use-unsaved-changes-guard), so no flush.
      if (timer) clearTimeout(timer);
    };
  }, [flowId, enabled]);
}
