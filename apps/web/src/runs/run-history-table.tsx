/**
 * The run history's table: one row per run, with streaks of identical failures collapsed into a
 * group row (failure-groups.ts) that expands to list its runs. Editors get a checkbox per row, per
 * group (its runs) and for every loaded run.
 */
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import type { RunSummary } from '../api/types.ts';
import { formatDuration, shortId } from '../ui/format.ts';
import { ChevronDownIcon, ChevronRightIcon } from '../ui/icons.tsx';
import { RelativeTime } from '../ui/relative-time.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { describeFailureGroup, type HistoryRow } from './failure-groups.ts';
import { type SelectionState, selectionStateOf } from './run-selection.ts';
import { RUN_TRIGGER_LABELS } from './run-trigger.ts';

type GroupRow = Extract<HistoryRow, { kind: 'group' }>;

export type RunHistoryTableProps = {
  /** The runs grouped by groupConsecutiveFailures. */
  rows: HistoryRow[];
  /** Every loaded run (what "select all" selects). */
  runs: RunSummary[];
  /** One flow's history: no flow column. */
  flowId: string | undefined;
  pending: boolean;
  /** Null: no checkboxes (the caller cannot act on runs). */
  selection: { selected: ReadonlySet<string>; toggle(runs: readonly RunSummary[]): void } | null;
  onFailedNode(nodeId: string): void;
};

export function RunHistoryTable({
  rows,
  runs,
  flowId,
  pending,
  selection,
  onFailedNode,
}: RunHistoryTableProps) {
  // Expanded groups by their runs' ids: a group keeps its state as pages load or refresh grow it.
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const isExpanded = (group: GroupRow) => group.runs.some((run) => expanded.has(run.id));
  const toggleExpanded = (group: GroupRow) => {
    const next = new Set(expanded);
    const open = isExpanded(group);
    for (const run of group.runs) {
      if (open) next.delete(run.id);
      else next.add(run.id);
    }
    setExpanded(next);
  };
  const columns = (flowId ? 6 : 7) + (selection ? 1 : 0);
  const cells = { flowId, selection, onFailedNode };

  return (
    <table className="table table--clickable" data-testid="run-table">
      <thead>
        <tr>
          {selection && (
            <th className="select-col">
              <SelectBox
                state={selectionStateOf(selection.selected, runs)}
                label="Select every run shown"
                testId="runs-select-all"
                disabled={runs.length === 0}
                onToggle={() => selection.toggle(runs)}
              />
            </th>
          )}
          <th>Status</th>
          <th>Run</th>
          {!flowId && <th>Flow</th>}
          <th>Trigger</th>
          <th>Started</th>
          <th className="num">Duration</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {pending &&
          [0, 1, 2].map((i) => (
            <tr key={i} className="skeleton-row">
              <td colSpan={columns}>
                <span className="skeleton" />
              </td>
            </tr>
          ))}
        {rows.map((row) =>
          row.kind === 'run' ? (
            <RunRow key={row.run.id} run={row.run} {...cells} />
          ) : (
            <FailureGroup
              key={`group-${row.runs[0]?.id}`}
              group={row}
              columns={columns}
              expanded={isExpanded(row)}
              onToggleExpanded={() => toggleExpanded(row)}
              {...cells}
            />
          ),
        )}
      </tbody>
    </table>
  );
}

type CellProps = Pick<RunHistoryTableProps, 'flowId' | 'selection' | 'onFailedNode'>;

function FailureGroup({
  group,
  columns,
  expanded,
  onToggleExpanded,
  ...cells
}: CellProps & {
  group: GroupRow;
  columns: number;
  expanded: boolean;
  onToggleExpanded(): void;
}) {
  const { selection, flowId } = cells;
  const newest = group.runs[0] as RunSummary;
  const oldest = group.runs.at(-1) as RunSummary;
  const testId = `run-group-${newest.id}`;
  return (
    <>
      <tr
        className="run-group-row"
        data-testid={testId}
        data-run-count={group.runs.length}
        onClick={onToggleExpanded}
      >
        {selection && (
          <td className="select-col">
            <SelectBox
              state={selectionStateOf(selection.selected, group.runs)}
              label={`Select the ${group.runs.length} runs of this group`}
              testId={`${testId}-select`}
              onToggle={() => selection.toggle(group.runs)}
            />
          </td>
        )}
        <td>
          <span className="run-group-row__status">
            <button
              type="button"
              className="btn btn--ghost btn--xs"
              aria-expanded={expanded}
              aria-label={expanded ? 'Hide the runs of this group' : 'Show the runs of this group'}
              data-testid={`${testId}-expand`}
              onClick={(e) => {
                e.stopPropagation();
                onToggleExpanded();
              }}
            >
              {expanded ? <ChevronDownIcon size={14} /> : <ChevronRightIcon size={14} />}
            </button>
            <StatusBadge status="failed" />
            <span className="chip chip--danger" data-testid="run-group-count">
              ×{group.runs.length}
            </span>
          </span>
        </td>
        <td colSpan={columns - (selection ? 2 : 1)}>
          <div className="run-group-row__summary">
            <strong data-testid="run-group-summary">{describeFailureGroup(group)}</strong>
            <span className="muted small">
              {!flowId && <>{newest.flowName} · </>}
              {group.signature.nodeId && (
                <>
                  node <code>{group.signature.nodeId}</code> ·{' '}
                </>
              )}
              <RelativeTime iso={oldest.startedAt ?? oldest.createdAt} /> to{' '}
              <RelativeTime iso={newest.startedAt ?? newest.createdAt} />
            </span>
            {!group.signature.target && newest.error && (
              <span className="muted small error-summary" title={newest.error.message}>
                {newest.error.message}
              </span>
            )}
          </div>
        </td>
      </tr>
      {expanded && group.runs.map((run) => <RunRow key={run.id} run={run} grouped {...cells} />)}
    </>
  );
}

function RunRow({
  run,
  grouped = false,
  flowId,
  selection,
  onFailedNode,
}: CellProps & { run: RunSummary; grouped?: boolean }) {
  const [, navigate] = useLocation();
  return (
    <tr
      data-testid={`run-row-${run.id}`}
      className={grouped ? 'run-row--grouped' : undefined}
      onClick={() => navigate(`/runs/${run.id}`)}
    >
      {selection && (
        <td className="select-col">
          <SelectBox
            state={selection.selected.has(run.id) ? 'all' : 'none'}
            label={`Select run ${shortId(run.id)}`}
            testId={`run-select-${run.id}`}
            onToggle={() => selection.toggle([run])}
          />
        </td>
      )}
      <td>
        <StatusBadge status={run.status} testId="run-row-status" />
      </td>
      <td>
        <Link
          href={`/runs/${run.id}`}
          className="mono run-link"
          onClick={(e) => e.stopPropagation()}
        >
          {shortId(run.id)}
        </Link>
        <span className="chip chip--muted">v{run.flowVersion}</span>
      </td>
      {!flowId && (
        <td>
          {run.flowDeleted ? (
            <>
              {run.flowName} <span className="chip chip--muted">deleted</span>
            </>
          ) : (
            <Link href={`/flows/${run.flowId}`} onClick={(e) => e.stopPropagation()}>
              {run.flowName}
            </Link>
          )}
        </td>
      )}
      <td className="muted" data-testid="run-row-trigger">
        {RUN_TRIGGER_LABELS[run.trigger]}
      </td>
      <td className="muted small">
        <RelativeTime iso={run.startedAt ?? run.createdAt} />
      </td>
      <td className="num mono small">{formatDuration(run.durationMs)}</td>
      <td className="error-col">
        {run.error ? (
          <span className="error-summary" title={run.error.message}>
            {run.error.nodeId && (
              <button
                type="button"
                className="link-button"
                title="Only runs that failed at this node"
                onClick={(e) => {
                  e.stopPropagation();
                  if (run.error?.nodeId) onFailedNode(run.error.nodeId);
                }}
              >
                <code>{run.error.nodeId}</code>
              </button>
            )}{' '}
            {run.error.message}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

/** A checkbox that also shows "some selected" (indeterminate, which has no HTML attribute). */
function SelectBox({
  state,
  label,
  testId,
  disabled = false,
  onToggle,
}: {
  state: SelectionState;
  label: string;
  testId: string;
  disabled?: boolean;
  onToggle(): void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === 'some';
  }, [state]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className="select-box"
      aria-label={label}
      data-testid={testId}
      checked={state === 'all'}
      disabled={disabled}
      // The row's own click opens the run (or the group): ticking is not that.
      onClick={(e) => e.stopPropagation()}
      onChange={onToggle}
    />
  );
}
