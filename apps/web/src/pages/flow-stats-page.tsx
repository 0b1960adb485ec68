/** `/flows/:id/stats` — the dashboard's panels for one flow, over the range in the URL. */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'wouter';
import {
  dashboardSearchParams,
  parseDashboardView,
  type DashboardView as View,
} from '../dashboard/dashboard-range.ts';
import { DashboardView } from '../dashboard/dashboard-view.tsx';
import { useTRPC } from '../trpc.ts';
import { EditorIcon, HistoryIcon } from '../ui/icons.tsx';

export function FlowStatsPage({ flowId }: { flowId: string }) {
  const trpc = useTRPC();
  const flow = useQuery(trpc.flows.get.queryOptions({ id: flowId }));
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => ({ ...parseDashboardView(params), flowId: null }), [params]);
  return (
    <div className="page page--wide">
      <nav className="breadcrumbs">
        <Link href="/flows">Flows</Link>
        <span className="breadcrumb-sep">/</span>
        <Link href={`/flows/${flowId}`}>{flow.data?.name ?? '…'}</Link>
        <span className="breadcrumb-sep">/</span>
        <span>Stats</span>
      </nav>
      <header className="page-header">
        <div>
          <h1 className="page-title">Stats</h1>
          <p className="page-subtitle">{flow.data?.name ?? '\u00a0'}</p>
        </div>
        <div className="page-header__actions">
          <Link href={`/flows/${flowId}/runs`} className="btn btn--secondary">
            <HistoryIcon size={15} /> Runs
          </Link>
          <Link href={`/flows/${flowId}`} className="btn btn--secondary">
            <EditorIcon size={15} /> Open editor
          </Link>
        </div>
      </header>
      <DashboardView
        view={view}
        fixedFlowId={flowId}
        onViewChange={(next: View) =>
          setParams(dashboardSearchParams({ ...next, flowId: null }), { replace: true })
        }
      />
    </div>
  );
}
