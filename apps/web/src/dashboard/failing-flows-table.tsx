/** The flows with the most failed runs in the range, each linking to its own stats. */
import { Link } from 'wouter';
import type { RouterOutputs } from '../api/types.ts';
import { formatDuration } from '../ui/format.ts';
import { formatPercent } from '../upstreams/upstream-format.ts';
import { type DashboardView, runHistoryHref } from './dashboard-range.ts';

type FailingFlow = RouterOutputs['stats']['flows']['flows'][number];

export function FailingFlowsTable({
  flows,
  view,
}: {
  flows: readonly FailingFlow[];
  view: DashboardView;
}) {
  return (
    <table className="table dash-table" data-testid="failing-flows">
      <thead>
        <tr>
          <th>Flow</th>
          <th className="num">Failed</th>
          <th className="num">Success</th>
          <th className="num">p95</th>
        </tr>
      </thead>
      <tbody>
        {flows.map((flow) => (
          <tr key={flow.flowId} data-testid={`failing-flow-${flow.flowId}`}>
            <td>
              <Link
                href={`/flows/${flow.flowId}/stats`}
                data-testid={`failing-flow-link-${flow.flowId}`}
              >
                {flow.flowName}
              </Link>
            </td>
            <td className="num">
              {flow.failed > 0 ? (
                <Link
                  href={runHistoryHref(view, { flowId: flow.flowId, status: 'failed' })}
                  className="dash-failed-count"
                >
                  {flow.failed.toLocaleString()}
                </Link>
              ) : (
                <span className="muted">0</span>
              )}
            </td>
            <td className="num">
              {flow.successRate === null ? '—' : formatPercent(flow.successRate)}
            </td>
            <td className="num muted">{formatDuration(flow.p95Ms)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
