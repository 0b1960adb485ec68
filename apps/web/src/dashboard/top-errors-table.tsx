/** Error codes of failed runs, most frequent first, each linking to exactly those runs. */
import { Link } from 'wouter';
import type { RouterOutputs } from '../api/types.ts';
import { RelativeTime } from '../ui/relative-time.tsx';
import { type DashboardView, runHistoryHref } from './dashboard-range.ts';

type TopError = RouterOutputs['stats']['topErrors'][number];

export function TopErrorsTable({
  errors,
  view,
  flowNames,
  showFlow,
}: {
  errors: readonly TopError[];
  view: DashboardView;
  flowNames: ReadonlyMap<string, string>;
  showFlow: boolean;
}) {
  const most = Math.max(1, ...errors.map((e) => e.count));
  return (
    <table className="table dash-table" data-testid="top-errors">
      <thead>
        <tr>
          <th>Error code</th>
          {showFlow && <th>Flow</th>}
          <th className="num">Runs</th>
          <th>Last seen</th>
        </tr>
      </thead>
      <tbody>
        {errors.map((error) => (
          <tr key={`${error.flowId}:${error.code}`} data-testid={`top-error-${error.code}`}>
            <td>
              <Link
                href={runHistoryHref(view, { flowId: error.flowId, errorCode: error.code })}
                className="dash-error-code"
                data-testid={`top-error-link-${error.code}`}
                title="The failed runs with this error code, in this range"
              >
                {error.code}
              </Link>
            </td>
            {showFlow && (
              <td>
                <Link href={`/flows/${error.flowId}/stats`} className="muted">
                  {flowNames.get(error.flowId) ?? 'Deleted flow'}
                </Link>
              </td>
            )}
            <td className="num">
              <span className="dash-meter" aria-hidden="true">
                <span
                  className="dash-meter__fill dash-meter__fill--danger"
                  style={{ width: `${(error.count / most) * 100}%` }}
                />
              </span>
              <span data-testid={`top-error-count-${error.code}`}>
                {error.count.toLocaleString()}
              </span>
            </td>
            <td className="muted small">
              <RelativeTime iso={error.lastAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
