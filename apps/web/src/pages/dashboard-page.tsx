/**
 * `/` — the home page after sign-in: run figures for every flow (or one, `?flow=`), failures first,
 * over the range in the URL (dashboard/dashboard-range.ts).
 */
import { useMemo } from 'react';
import { useSearchParams } from 'wouter';
import {
  dashboardSearchParams,
  parseDashboardView,
  type DashboardView as View,
} from '../dashboard/dashboard-range.ts';
import { DashboardView } from '../dashboard/dashboard-view.tsx';

export function DashboardPage() {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => parseDashboardView(params), [params]);
  return (
    <div className="page page--wide">
      <header className="page-header">
        <div>
          <h1 className="page-title">Dashboard</h1>
          <p className="page-subtitle">What is failing, since when, and why.</p>
        </div>
      </header>
      <DashboardView
        view={view}
        onViewChange={(next: View) => setParams(dashboardSearchParams(next), { replace: true })}
      />
    </div>
  );
}
