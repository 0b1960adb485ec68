/** Offers the unsaved edits kept from an earlier visit (a reload, a crash) for restoring. */
import { RelativeTime } from '../ui/relative-time.tsx';
import { useEditorStore } from './editor-store.ts';
import { documentSettings, documentToCanvas } from './flow-document-mapping.ts';
import { clearDraft, type StoredDraft } from './flow-draft-storage.ts';

/** Replaces the canvas with the draft as one edit, so it can be undone and is unsaved. */
export function restoreDraft(draft: StoredDraft): void {
  const { nodes, edges } = documentToCanvas(draft.document);
  useEditorStore.setState((s) => ({
    nodes,
    edges,
    name: draft.document.name,
    description: draft.document.description,
    settings: documentSettings(draft.document),
    selectedNodeId: null,
    revision: s.revision + 1,
  }));
}

export function DraftRestoreBanner({
  flowId,
  draft,
  onDone,
}: {
  flowId: string;
  draft: StoredDraft;
  onDone: () => void;
}) {
  return (
    <div className="draft-banner" role="status" data-testid="draft-banner">
      <span className="draft-banner__text">
        This flow has unsaved changes from <RelativeTime iso={draft.savedAt} />.
      </span>
      <button
        type="button"
        className="btn btn--primary btn--sm"
        data-testid="draft-restore"
        onClick={() => {
          restoreDraft(draft);
          onDone();
        }}
      >
        Restore
      </button>
      <button
        type="button"
        className="btn btn--ghost btn--sm"
        data-testid="draft-discard"
        onClick={() => {
          clearDraft(localStorage, flowId);
          onDone();
        }}
      >
        Discard
      </button>
    </div>
  );
}
