/** The editor toolbar's "Show stats" toggle and its range (editor store: statsOverlay). */
import { GaugeIcon } from '../ui/icons.tsx';
import { useEditorStore } from './editor-store.ts';
import {
  DEFAULT_STATS_OVERLAY_RANGE,
  isStatsOverlayRange,
  STATS_OVERLAY_RANGES,
} from './stats-overlay.ts';
import type { NodeStatsState } from './use-node-stats.ts';

export function StatsOverlayControl({ state }: { state: NodeStatsState }) {
  const range = useEditorStore((s) => s.statsOverlay);
  const setRange = useEditorStore((s) => s.setStatsOverlay);
  const on = range !== null;
  return (
    <span className="stats-overlay-control">
      <button
        type="button"
        className={`btn btn--ghost btn--sm${on ? ' is-active' : ''}`}
        aria-pressed={on}
        onClick={() => setRange(on ? null : DEFAULT_STATS_OVERLAY_RANGE)}
        title="Show each node's p95 duration and error rate on the canvas"
        data-testid="stats-overlay-toggle"
      >
        <GaugeIcon size={14} /> {on ? 'Hide stats' : 'Show stats'}
      </button>
      {on && (
        <select
          className="input select select--sm"
          aria-label="Stats range"
          value={range}
          onChange={(event) => {
            if (isStatsOverlayRange(event.target.value)) setRange(event.target.value);
          }}
          data-testid="stats-overlay-range"
        >
          {Object.entries(STATS_OVERLAY_RANGES).map(([value, { label }]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      )}
      {on && state.loading && <span className="spinner" role="status" aria-label="Loading stats" />}
      {state.error && (
        <span className="chip chip--danger" title={state.error} data-testid="stats-overlay-error">
          Stats unavailable
        </span>
      )}
    </span>
  );
}
