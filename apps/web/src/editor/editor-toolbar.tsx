/** The editor's top toolbar: breadcrumb + editable name, save state, and flow actions. */
import { Link } from 'wouter';
import { ActiveSwitch } from '../flows/active-switch.tsx';
import {
  ClockIcon,
  DownloadIcon,
  GaugeIcon,
  HistoryIcon,
  LayoutIcon,
  PlayIcon,
  PlusIcon,
  SlidersIcon,
} from '../ui/icons.tsx';
import { comboLabel, EDITOR_KEYS } from '../ui/keyboard-map.ts';
import { IS_MAC } from '../ui/platform.ts';
import { type EditorState, selectDirty, useEditorStore } from './editor-store.ts';
import { openNodePicker } from './node-picker-store.ts';
import { settingsIssuePath } from './override-issues.ts';
import { StatsOverlayControl } from './stats-overlay-control.tsx';
import { selectLayoutScope, useAutoLayout } from './use-auto-layout.ts';
import type { NodeStatsState } from './use-node-stats.ts';

const selectSettingsProblems = (s: EditorState): number =>
  s.issues.all.filter((issue) => settingsIssuePath(issue) !== undefined).length;

export function EditorToolbar({
  flowId,
  latestVersion,
  active,
  onSave,
  onRun,
  onExport,
  historyOpen,
  onToggleHistory,
  saving,
  starting,
  readOnly,
  stats,
}: {
  flowId: string;
  latestVersion: number | null;
  active: boolean;
  onSave: () => void;
  onRun: () => void;
  onExport: () => void;
  /** Whether the version history panel is open (the History button's pressed state). */
  historyOpen: boolean;
  onToggleHistory: () => void;
  saving: boolean;
  starting: boolean;
  readOnly: boolean;
  /** The stats overlay's query state (use-node-stats.ts). */
  stats: NodeStatsState;
}) {
  const name = useEditorStore((s) => s.name);
  const setName = useEditorStore((s) => s.setName);
  const dirty = useEditorStore(selectDirty);
  const openSettings = useEditorStore((s) => s.setFlowSettingsOpen);
  const settingsProblems = useEditorStore(selectSettingsProblems);
  const layoutSelection = useEditorStore(selectLayoutScope) === 'selection';
  const autoLayout = useAutoLayout();
  const nameInvalid = name.trim() === '';

  return (
    <div className="toolbar" data-testid="editor-toolbar">
      <div className="toolbar__left">
        <Link href="/flows" className="breadcrumb-link">
          Flows
        </Link>
        <span className="breadcrumb-sep">/</span>
        <input
          className={`toolbar__name${nameInvalid ? ' is-invalid' : ''}`}
          value={name}
          aria-label="Flow name"
          maxLength={200}
          data-testid="flow-name-input"
          readOnly={readOnly}
          onChange={(e) => setName(e.target.value)}
        />
        {latestVersion !== null && (
          <span className="chip" title="Latest saved version">
            v{latestVersion}
          </span>
        )}
        {readOnly && (
          <span
            className="chip chip--muted"
            title="Your role (viewer) can read this flow and its runs, but not change or run it"
            data-testid="read-only"
          >
            Read-only
          </span>
        )}
        <span
          hidden={readOnly}
          className={`save-state${dirty ? ' is-dirty' : ''}`}
          data-testid="dirty-indicator"
          data-dirty={dirty}
        >
          <span className="save-state__dot" />
          {saving ? 'Saving…' : dirty ? 'Unsaved changes' : 'Saved'}
        </span>
      </div>
      <div className="toolbar__right">
        {!readOnly && (
          <>
            <button
              type="button"
              className="btn btn--ghost btn--sm"
              onClick={() => openNodePicker()}
              title="Search and add a node (/)"
              data-testid="add-node"
            >
              <PlusIcon size={14} /> Add node
            </button>
            <button
              type="button"
              className="btn btn--ghost btn--sm"
              onClick={() => void autoLayout()}
              title={`Arrange ${layoutSelection ? 'the selected nodes' : 'the whole flow'} left to right (${comboLabel(EDITOR_KEYS.autoLayout, IS_MAC)})`}
              data-testid="auto-layout"
            >
              <LayoutIcon size={14} /> {layoutSelection ? 'Auto-layout selection' : 'Auto-layout'}
            </button>
            <span className="toolbar__divider" />
          </>
        )}
        <ActiveSwitch flow={{ id: flowId, name, active }} readOnly={readOnly} />
        <span className="toolbar__divider" />
        <StatsOverlayControl state={stats} />
        <Link
          href={`/flows/${flowId}/runs`}
          className="btn btn--ghost btn--sm"
          data-testid="run-history-link"
        >
          <HistoryIcon size={14} /> Runs
        </Link>
        <Link
          href={`/flows/${flowId}/stats`}
          className="btn btn--ghost btn--sm"
          data-testid="flow-stats-link"
        >
          <GaugeIcon size={14} /> Stats
        </Link>
        <button
          type="button"
          className={`btn btn--ghost btn--sm${settingsProblems > 0 ? ' has-problems' : ''}`}
          onClick={() => openSettings(true)}
          title={
            settingsProblems > 0
              ? `Flow settings: ${settingsProblems} problem(s)`
              : 'Concurrency and run timeout'
          }
          data-testid="flow-settings-open"
        >
          <SlidersIcon size={14} /> Settings
          {settingsProblems > 0 && <span className="btn__problem-dot" />}
        </button>
        <button
          type="button"
          className="btn btn--ghost btn--sm"
          onClick={onToggleHistory}
          aria-pressed={historyOpen}
          title="Saved versions: compare and restore"
          data-testid="version-history-open"
        >
          <ClockIcon size={14} /> History
        </button>
        <button
          type="button"
          className="btn btn--ghost btn--sm"
          onClick={onExport}
          data-testid="export-flow"
        >
          <DownloadIcon size={14} /> Export
        </button>
        {!readOnly && (
          <>
            <span className="toolbar__divider" />
            <button
              type="button"
              className="btn btn--secondary btn--sm"
              onClick={onSave}
              disabled={saving || nameInvalid}
              title={`Save (${comboLabel(EDITOR_KEYS.save, IS_MAC)})`}
              data-testid="save-flow"
            >
              Save
              <kbd className="btn__kbd">{IS_MAC ? '⌘S' : 'Ctrl S'}</kbd>
            </button>
            <button
              type="button"
              className="btn btn--primary btn--sm"
              onClick={onRun}
              disabled={starting || saving || nameInvalid}
              data-testid="run-flow"
            >
              <PlayIcon size={13} /> {starting ? 'Starting…' : 'Run'}
            </button>
          </>
        )}
      </div>
    </div>
  );
}
