/**
 * Asks before an in-app link leaves the editor with unsaved changes. Links are caught in the
 * capture phase, before wouter's own click handler navigates.
 */
import { useEffect } from 'react';
import { selectDirty, useEditorStore } from './editor-store.ts';
import { discardDraft } from './use-flow-draft.ts';

export const UNSAVED_CHANGES_QUESTION =
  'You have unsaved changes. Leave this flow and discard them?';

export function useUnsavedChangesGuard(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
      if (!(link instanceof HTMLAnchorElement) || link.target === '_blank') return;
      const url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin || url.pathname === window.location.pathname) {
        return;
      }
      const state = useEditorStore.getState();
      if (!selectDirty(state)) return;
      if (window.confirm(UNSAVED_CHANGES_QUESTION)) {
        if (state.flowId) discardDraft(state.flowId, state.revision);
        return;
      }
      event.preventDefault();
      event.stopPropagation();
    };
    window.addEventListener('click', onClick, true);
    return () => window.removeEventListener('click', onClick, true);
  }, [enabled]);
}
