/** `/flows/:id` — palette, canvas and inspector for one flow. */
import { useQuery } from '@tanstack/react-query';
import { ReactFlowProvider, useReactFlow, type Viewport, type XYPosition } from '@xyflow/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { errorCode, errorMessage } from '../api/api-error.ts';
import type { NodeTypeDescriptor } from '../api/types.ts';
import { useCan } from '../auth/session.ts';
import { DraftRestoreBanner } from '../editor/draft-restore-banner.tsx';
import { selectDirty, useEditorStore } from '../editor/editor-store.ts';
import { EditorToolbar } from '../editor/editor-toolbar.tsx';
import { FlowCanvas } from '../editor/flow-canvas.tsx';
import { draftDiffers, readDraft, type StoredDraft } from '../editor/flow-draft-storage.ts';
import { FlowSettingsDialog } from '../editor/flow-settings-dialog.tsx';
import { InspectorPanel } from '../editor/inspector-panel.tsx';
import { NodePalette } from '../editor/node-palette.tsx';
import { NodePicker } from '../editor/node-picker.tsx';
import type { NodePickerRequest } from '../editor/node-picker-store.ts';
import { DEFAULT_NODE_SIZE, findFreePosition, placeNewNode } from '../editor/node-placement.ts';
import { NodeStatsContext } from '../editor/node-stats-context.ts';
import { ProblemsPanel } from '../editor/problems-panel.tsx';
import { RunBar } from '../editor/run-bar.tsx';
import { useLatestRun } from '../editor/run-data/use-latest-run.ts';
import { useRunWatch } from '../editor/run-data/use-run-watch.ts';
import { RunFlowDialog } from '../editor/run-dialog/run-flow-dialog.tsx';
import { useEditorShortcuts } from '../editor/use-editor-shortcuts.ts';
import { useFlowActions } from '../editor/use-flow-actions.ts';
import { useFlowDraft } from '../editor/use-flow-draft.ts';
import { useLiveValidation } from '../editor/use-live-validation.ts';
import { useNodeStats } from '../editor/use-node-stats.ts';
import { useUnsavedChangesGuard } from '../editor/use-unsaved-changes-guard.ts';
import {
  useVersionCompare,
  type VersionComparison,
} from '../editor/versions/use-version-compare.ts';
import { VersionDiffCanvas } from '../editor/versions/version-diff-canvas.tsx';
import { VersionHistoryPanel } from '../editor/versions/version-history-panel.tsx';
import { useNodeTypes } from '../node-types/use-node-types.ts';
import { useTRPC } from '../trpc.ts';
import { EmptyState } from '../ui/empty-state.tsx';

function EditorWorkspace({
  flowId,
  latestVersion,
  active,
  readOnly,
  draft,
}: {
  flowId: string;
  latestVersion: number | null;
  /** Unsaved edits from an earlier visit that differ from the saved flow, if any. */
  draft: StoredDraft | null;
  /** Switched on: its trigger starts runs (the toolbar's switch). */
  active: boolean;
  /** A viewer inspects the flow: nothing can be changed, saved or run. */
  readOnly: boolean;
}) {
  const canvasRef = useRef<HTMLDivElement>(null);
  const { screenToFlowPosition, getViewport } = useReactFlow();
  const addNode = useEditorStore((s) => s.addNode);
  const catalog = useNodeTypes().data;
  const { validating } = useLiveValidation();
  const { save, runFlow, exportFlow, saving, starting } = useFlowActions(flowId);
  const stats = useNodeStats(flowId);
  useLatestRun(flowId);
  useRunWatch();
  const [runDialogOpen, setRunDialogOpen] = useState(false);
  const [offeredDraft, setOfferedDraft] = useState(draft);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [comparison, setComparison] = useState<VersionComparison | null>(null);
  const [diffNodeId, setDiffNodeId] = useState<string | null>(null);
  const compared = useVersionCompare(flowId, comparison);
  // Comparing shows two saved versions in place of the canvas; the document being edited, its
  // dirty state and undo history stay as they are underneath.
  const comparing = comparison !== null;
  // The editor's view when a comparison began, so editing resumes where it was.
  const [editorViewport, setEditorViewport] = useState<Viewport | undefined>(undefined);
  const compare = useCallback(
    (next: VersionComparison | null) => {
      if (comparison === null && next !== null) setEditorViewport(getViewport());
      setComparison(next);
      setDiffNodeId(null);
    },
    [comparison, getViewport],
  );
  const closeHistory = useCallback(() => {
    setHistoryOpen(false);
    compare(null);
  }, [compare]);
  useEditorShortcuts(!readOnly && !comparing);
  useFlowDraft(flowId, !readOnly);
  useUnsavedChangesGuard(!readOnly);

  const add = useCallback(
    (descriptor: NodeTypeDescriptor, position: XYPosition) => {
      addNode({ type: descriptor.type, config: descriptor.defaultConfig }, position);
    },
    [addNode],
  );

  const addAtCentre = useCallback(
    (descriptor: NodeTypeDescriptor) => {
      const rect = canvasRef.current?.getBoundingClientRect();
      if (!rect) return;
      const centre = screenToFlowPosition({
        x: rect.left + rect.width / 2,
        y: rect.top + rect.height / 2,
      });
      const position = findFreePosition(
        { x: centre.x - DEFAULT_NODE_SIZE.width / 2, y: centre.y - DEFAULT_NODE_SIZE.height / 2 },
        useEditorStore.getState().nodes,
      );
      add(descriptor, position);
    },
    [add, screenToFlowPosition],
  );

  // Beside the selected node if it is in view, else mid-view; or, after a connection was
  // dropped on the canvas, where it was dropped, connected (one undo step).
  const addPicked = useCallback(
    (descriptor: NodeTypeDescriptor, request: NodePickerRequest) => {
      const node = { type: descriptor.type, config: descriptor.defaultConfig };
      if (request.kind === 'connect') {
        // The new card's input handle sits at the drop point.
        const position = {
          x: request.at.x + 8,
          y: request.at.y - DEFAULT_NODE_SIZE.height / 2,
        };
        addNode(node, position, request.from);
        return;
      }
      const rect = canvasRef.current?.getBoundingClientRect();
      if (!rect) return;
      const topLeft = screenToFlowPosition({ x: rect.left, y: rect.top });
      const bottomRight = screenToFlowPosition({ x: rect.right, y: rect.bottom });
      const view = {
        ...topLeft,
        width: bottomRight.x - topLeft.x,
        height: bottomRight.y - topLeft.y,
      };
      const { nodes, selectedNodeId } = useEditorStore.getState();
      const anchor = selectedNodeId ? nodes.find((n) => n.id === selectedNodeId) : undefined;
      addNode(node, placeNewNode(anchor, nodes, view));
    },
    [addNode, screenToFlowPosition],
  );

  const addDropped = useCallback(
    (type: string, position: XYPosition) => {
      const descriptor = catalog?.byType.get(type);
      if (descriptor) add(descriptor, position);
    },
    [add, catalog],
  );

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.metaKey || event.ctrlKey) && event.key.toLowerCase() === 's') {
        event.preventDefault();
        if (!readOnly && useEditorStore.getState().name.trim()) void save({ announce: true });
      }
    };
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (selectDirty(useEditorStore.getState())) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [save, readOnly]);

  return (
    <div className="editor" data-testid="flow-editor">
      <EditorToolbar
        flowId={flowId}
        latestVersion={latestVersion}
        active={active}
        onSave={() => void save({ announce: true })}
        onRun={() => setRunDialogOpen(true)}
        onExport={() => void exportFlow()}
        historyOpen={historyOpen}
        onToggleHistory={() => (historyOpen ? closeHistory() : setHistoryOpen(true))}
        saving={saving}
        starting={starting}
        readOnly={readOnly}
        stats={stats}
      />
      {offeredDraft && !readOnly && (
        <DraftRestoreBanner
          flowId={flowId}
          draft={offeredDraft}
          onDone={() => setOfferedDraft(null)}
        />
      )}
      <div className={`editor__body${comparing ? ' editor__body--comparing' : ''}`}>
        {!readOnly && !comparing && <NodePalette onAdd={addAtCentre} />}
        <div className="editor__canvas" ref={canvasRef}>
          {comparing ? (
            compared.diff &&
            compared.after && (
              // Its own provider: the comparison's viewport and nodes are not the editor's.
              <ReactFlowProvider>
                <VersionDiffCanvas
                  key={`${comparison.from}-${comparison.to}`}
                  after={compared.after}
                  diff={compared.diff}
                  selectedNodeId={diffNodeId}
                  onSelectNode={setDiffNodeId}
                />
              </ReactFlowProvider>
            )
          ) : (
            <>
              <NodeStatsContext value={stats.figures}>
                <FlowCanvas onDropType={addDropped} readOnly={readOnly} viewport={editorViewport} />
              </NodeStatsContext>
              <RunBar />
              <ProblemsPanel validating={validating} />
            </>
          )}
        </div>
        {historyOpen ? (
          <VersionHistoryPanel
            flowId={flowId}
            latestVersion={latestVersion}
            readOnly={readOnly}
            comparison={comparison}
            onCompare={compare}
            compared={compared}
            selectedNodeId={diffNodeId}
            onSelectNode={setDiffNodeId}
            onClose={closeHistory}
          />
        ) : (
          <InspectorPanel readOnly={readOnly} />
        )}
      </div>
      <FlowSettingsDialog readOnly={readOnly} />
      {!readOnly && (
        <RunFlowDialog
          flowId={flowId}
          open={runDialogOpen}
          onClose={() => setRunDialogOpen(false)}
          onRun={runFlow}
          starting={starting || saving}
        />
      )}
      {!readOnly && <NodePicker onPick={addPicked} />}
    </div>
  );
}

export function FlowEditorPage({ flowId }: { flowId: string }) {
  const trpc = useTRPC();
  const flow = useQuery(trpc.flows.get.queryOptions({ id: flowId }));
  const nodeTypes = useNodeTypes();
  const load = useEditorStore((s) => s.load);
  const canEdit = useCan('editor');
  const [loaded, setLoaded] = useState(false);
  const [draft, setDraft] = useState<StoredDraft | null>(null);

  // Load once per visit: later refetches (after a save) must not clobber edits in progress.
  useEffect(() => {
    if (flow.data && !loaded) {
      const stored = readDraft(localStorage, flow.data.id);
      setDraft(stored && draftDiffers(stored, flow.data.document) ? stored : null);
      load(flow.data.id, flow.data.document);
      setLoaded(true);
    }
  }, [flow.data, loaded, load]);

  if (flow.isError) {
    const notFound = errorCode(flow.error) === 'NOT_FOUND';
    return (
      <EmptyState
        title={notFound ? 'Flow not found' : "Couldn't load this flow"}
        description={notFound ? 'It may have been deleted.' : errorMessage(flow.error)}
        action={
          <Link href="/flows" className="btn btn--secondary">
            Back to flows
          </Link>
        }
      />
    );
  }
  // Handles come from node type ports, so the canvas waits for them (or their failure).
  if (!flow.data || !loaded || nodeTypes.isPending) {
    return <div className="page-loading">Loading flow…</div>;
  }

  return (
    <ReactFlowProvider>
      <EditorWorkspace
        flowId={flowId}
        latestVersion={flow.data.latestVersion}
        active={flow.data.active}
        readOnly={!canEdit}
        draft={draft}
      />
    </ReactFlowProvider>
  );
}
