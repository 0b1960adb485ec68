/** Time range (presets or custom from/to) and, on the all-flows dashboard, a flow filter. */
import { useState } from 'react';
import type { FlowSummary } from '../api/types.ts';
import { TIME_RANGES, type TimeRange } from '../runs/run-history-filters.ts';
import {
  type DashboardView,
  fromLocalInput,
  MAX_RANGE_MS,
  type StatsWindow,
  toLocalInput,
} from './dashboard-range.ts';

const PRESET_LABELS: Record<TimeRange, string> = {
  '1h': 'Last hour',
  '24h': '24 hours',
  '7d': '7 days',
};

export function DashboardControls({
  view,
  window,
  flows,
  onChange,
  live,
}: {
  view: DashboardView;
  /** The live feed is connected. */
  live: boolean;
  window: StatsWindow;
  /** Undefined on a flow's own stats page (the flow is fixed). */
  flows: readonly FlowSummary[] | undefined;
  onChange: (view: DashboardView) => void;
}) {
  const [custom, setCustom] = useState(view.range === null);
  return (
    <div className="dash-controls" data-testid="dashboard-controls">
      <div className="segmented" role="tablist" aria-label="Time range">
        {(Object.keys(TIME_RANGES) as TimeRange[]).map((range) => (
          <button
            key={range}
            type="button"
            role="tab"
            aria-selected={!custom && view.range === range}
            className={`segmented__item${!custom && view.range === range ? ' is-active' : ''}`}
            data-testid={`dashboard-range-${range}`}
            onClick={() => {
              setCustom(false);
              onChange({ ...view, range, from: null, to: null });
            }}
          >
            {PRESET_LABELS[range]}
          </button>
        ))}
        <button
          type="button"
          role="tab"
          aria-selected={custom}
          className={`segmented__item${custom ? ' is-active' : ''}`}
          data-testid="dashboard-range-custom"
          onClick={() => setCustom(true)}
        >
          Custom
        </button>
      </div>
      {custom && (
        <CustomRange
          // Start from the window on screen, so switching to custom changes nothing by itself.
          key={`${window.from}|${window.to}`}
          window={window}
          onApply={(from, to) => onChange({ ...view, range: null, from, to })}
        />
      )}
      {flows && (
        <label className="inline-filter">
          <span className="muted small">Flow</span>
          <select
            className="input select select--sm"
            value={view.flowId ?? ''}
            data-testid="dashboard-flow-filter"
            onChange={(e) => onChange({ ...view, flowId: e.target.value || null })}
          >
            <option value="">All flows</option>
            {flows.map((flow) => (
              <option key={flow.id} value={flow.id}>
                {flow.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {live && (
        <span
          className="live-pill dash-controls__live"
          data-testid="dashboard-live"
          title="Updates as runs start and finish"
        >
          <span className="live-pill__dot" /> Live
        </span>
      )}
    </div>
  );
}

function CustomRange({
  window,
  onApply,
}: {
  window: StatsWindow;
  onApply: (from: string, to: string) => void;
}) {
  const [from, setFrom] = useState(toLocalInput(window.from));
  const [to, setTo] = useState(toLocalInput(window.to));
  const fromIso = fromLocalInput(from);
  const toIso = fromLocalInput(to);
  const span = fromIso && toIso ? Date.parse(toIso) - Date.parse(fromIso) : 0;
  const problem =
    !fromIso || !toIso
      ? 'Choose a start and an end'
      : span <= 0
        ? 'The end must be after the start'
        : span > MAX_RANGE_MS
          ? 'At most 90 days'
          : null;
  return (
    <form
      className="dash-custom-range"
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem && fromIso && toIso) onApply(fromIso, toIso);
      }}
    >
      <input
        type="datetime-local"
        className="input input--sm"
        aria-label="From"
        value={from}
        data-testid="dashboard-from"
        onChange={(e) => setFrom(e.target.value)}
      />
      <span className="muted small">to</span>
      <input
        type="datetime-local"
        className="input input--sm"
        aria-label="To"
        value={to}
        data-testid="dashboard-to"
        onChange={(e) => setTo(e.target.value)}
      />
      <button
        type="submit"
        className="btn btn--secondary btn--sm"
        disabled={problem !== null}
        title={problem ?? undefined}
        data-testid="dashboard-range-apply"
      >
        Apply
      </button>
      {problem && from && to && <span className="dash-custom-range__problem small">{problem}</span>}
    </form>
  );
}
