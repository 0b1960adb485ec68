/**
 * The dashboard's panels for every flow or one: what is failing (error codes, flows, failed runs),
 * since when (runs by status over time, breaker timelines) and why (slow nodes, retries, waits on
 * breakers and rate limits, workers). The range and flow live in the URL; stats.live drives the
 * in-flight tiles and throttled refreshes.
 */
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { Link } from 'wouter';
import type { FlowSummary, RouterOutputs } from '../api/types.ts';
import { useTRPC } from '../trpc.ts';
import { EmptyState } from '../ui/empty-state.tsx';
import { formatDuration } from '../ui/format.ts';
import { GaugeIcon } from '../ui/icons.tsx';
import { BreakerTimeline, hasBreakers } from './breaker-timeline.tsx';
import { hasValues, perBucket } from './chart-series.ts';
import { DashboardControls } from './dashboard-controls.tsx';
import { DashboardPanel } from './dashboard-panel.tsx';
import { runHistoryHref, statsWindow, type DashboardView as View } from './dashboard-range.ts';
import { FailingFlowsTable } from './failing-flows-table.tsx';
import { LineChart, type LineSpec } from './line-chart.tsx';
import { OverviewTiles } from './overview-tiles.tsx';
import { hasRateLimits, RateLimitTable } from './rate-limit-panel.tsx';
import { RunsByStatusChart } from './runs-by-status-chart.tsx';
import { NodeTypesTable, SlowNodesTable } from './slow-nodes-tables.tsx';
import { TopErrorsTable } from './top-errors-table.tsx';
import { useLiveStats } from './use-live-stats.ts';

type ActivityBucket = RouterOutputs['stats']['activity']['buckets'][number];

const formatCount = (value: number) => (Number.isInteger(value) ? value.toLocaleString() : '');
const formatRatio = (value: number) => value.toFixed(2);
const formatWait = (value: number) => formatDuration(value);

const DURATION_LINES: LineSpec<{ at: string; p95Ms: number | null }>[] = [
  { field: 'p95Ms', label: 'p95', token: '--accent', fallback: '#5b5bd6' },
];
const ATTEMPT_LINES: LineSpec<ActivityBucket>[] = [
  { field: 'attemptsPerRun', label: 'attempts per run', token: '--accent', fallback: '#5b5bd6' },
];
const WAIT_LINES: LineSpec<ActivityBucket>[] = [
  { field: 'breakerWaitMs', label: 'on breakers', token: '--breaker-open', fallback: '#dc2626' },
  {
    field: 'rateLimitWaitMs',
    label: 'on rate limits',
    token: '--status-cancelled',
    fallback: '#d97706',
  },
];
const RATE_LIMIT_LINES: LineSpec<ActivityBucket>[] = [
  { field: 'rateLimitWaits', label: 'waits', token: '--status-cancelled', fallback: '#d97706' },
];
const WORKER_LINES: LineSpec<ActivityBucket>[] = [
  { field: 'workersAlive', label: 'workers', token: '--status-running', fallback: '#2563eb' },
];

export function DashboardView({
  view,
  onViewChange,
  fixedFlowId,
}: {
  view: View;
  onViewChange: (view: View) => void;
  /** A flow's own stats page: the flow is not a filter but the subject. */
  fixedFlowId?: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const flowId = fixedFlowId ?? view.flowId;
  const scoped = useMemo(() => ({ ...view, flowId }), [view, flowId]);
  // A preset range ends at `now`, which moves forward on each live refresh (not every render).
  const [now, setNow] = useState(Date.now);
  const window = useMemo(() => statsWindow(view, now), [view, now]);
  const range = { ...window, ...(flowId ? { flowId } : {}) };
  const keep = { placeholderData: keepPreviousData };

  const refresh = useCallback(() => {
    setNow(Date.now());
    void queryClient.invalidateQueries({ queryKey: trpc.stats.pathKey() });
  }, [queryClient, trpc]);
  const { live, connected } = useLiveStats(flowId, refresh);

  const flows = useQuery(trpc.flows.list.queryOptions(undefined));
  const overview = useQuery(trpc.stats.overview.queryOptions(range, keep));
  const timeseries = useQuery(trpc.stats.timeseries.queryOptions(range, keep));
  const topErrors = useQuery(trpc.stats.topErrors.queryOptions({ ...range, limit: 10 }, keep));
  const failingFlows = useQuery(
    trpc.stats.flows.queryOptions({ ...window, limit: 8 }, { ...keep, enabled: !flowId }),
  );
  const nodes = useQuery(trpc.stats.nodes.queryOptions({ ...range, limit: 10 }, keep));
  const activity = useQuery(trpc.stats.activity.queryOptions(range, keep));
  const upstreams = useQuery(trpc.stats.upstreams.queryOptions({ ...window, limit: 50 }, keep));

  const flowNames = useMemo(
    () => new Map((flows.data ?? []).map((flow: FlowSummary) => [flow.id, flow.name])),
    [flows.data],
  );
  const bucket = timeseries.data ? perBucket(timeseries.data.bucket) : '';
  const activityBucket = activity.data ? perBucket(activity.data.bucket) : '';
  const nothingYet =
    overview.data !== undefined &&
    overview.data.total === 0 &&
    overview.data.running === 0 &&
    overview.data.queued === 0 &&
    (live === null || (live.running === 0 && live.queued === 0));
  const failuresHref = runHistoryHref(scoped, { status: 'failed' });
  // Beside the top errors on a flow's page (no "top failing flows" there), further down otherwise.
  const retriesPanel = (
    <DashboardPanel
      title="Retries and waits"
      hint={`Attempts per run and time spent waiting, ${activityBucket}`}
      query={activity}
      isEmpty={(a) => !hasValues(a.buckets, ['attempts', 'breakerWaitMs', 'rateLimitWaitMs'])}
      empty="No steps ran in this range."
      testId="panel-retries"
    >
      {(a) => <RetriesAndWaits buckets={a.buckets} />}
    </DashboardPanel>
  );

  return (
    <div className="dashboard" data-testid="dashboard">
      <DashboardControls
        view={view}
        window={window}
        flows={fixedFlowId ? undefined : (flows.data ?? [])}
        onChange={onViewChange}
        live={connected}
      />
      <OverviewTiles
        overview={overview.data}
        live={
          live
            ? { running: live.running, queued: live.queued, workersAlive: live.workersAlive }
            : null
        }
        failedRunsHref={failuresHref}
      />
      {overview.isError && (
        <div className="callout callout--danger" data-testid="dashboard-error">
          Couldn't load the figures: {overview.error.message}
        </div>
      )}
      {nothingYet ? (
        <EmptyState
          testId="dashboard-empty"
          icon={<GaugeIcon size={28} />}
          title="No runs in this range"
          description={
            flowId
              ? 'Run this flow from the editor, switch on its webhook or schedule, or choose a longer range.'
              : 'Runs show up here as flows run: open a flow and press Run, switch on a webhook or schedule, or choose a longer range.'
          }
          action={
            <Link href={flowId ? `/flows/${flowId}` : '/flows'} className="btn btn--primary">
              {flowId ? 'Open the editor' : 'Go to flows'}
            </Link>
          }
        />
      ) : (
        <div className="dash-grid">
          <DashboardPanel
            title="Top error codes"
            hint="Failed runs by error code; open one to see exactly those runs"
            query={topErrors}
            isEmpty={(errors) => errors.length === 0}
            empty="No failed runs in this range."
            testId="panel-top-errors"
          >
            {(errors) => (
              <TopErrorsTable
                errors={errors}
                view={scoped}
                flowNames={flowNames}
                showFlow={!flowId}
              />
            )}
          </DashboardPanel>
          {flowId ? (
            retriesPanel
          ) : (
            <DashboardPanel
              title="Top failing flows"
              hint="Flows with the most failed runs"
              query={failingFlows}
              isEmpty={(f) => f.flows.every((flow) => flow.failed === 0)}
              empty="No flow failed in this range."
              testId="panel-failing-flows"
            >
              {(f) => (
                <FailingFlowsTable
                  flows={f.flows.filter((flow) => flow.failed > 0)}
                  view={scoped}
                />
              )}
            </DashboardPanel>
          )}
          <DashboardPanel
            title={`Runs ${bucket}`}
            hint="Finished runs by status: failed at the bottom"
            query={timeseries}
            isEmpty={(t) => !hasValues(t.buckets, ['succeeded', 'failed', 'cancelled'])}
            empty="No run finished in this range."
            testId="panel-runs"
            wide
          >
            {(t) => <RunsByStatusChart buckets={t.buckets} />}
          </DashboardPanel>
          <DashboardPanel
            title="Run duration, p95"
            hint={
              overview.data
                ? `Whole range: p50 ${formatDuration(overview.data.p50Ms)} · p95 ${formatDuration(overview.data.p95Ms)} · p99 ${formatDuration(overview.data.p99Ms)}`
                : undefined
            }
            query={timeseries}
            isEmpty={(t) => !t.buckets.some((b) => b.p95Ms !== null)}
            empty="No run finished in this range."
            testId="panel-duration"
          >
            {(t) => (
              <LineChart
                buckets={t.buckets}
                lines={DURATION_LINES}
                format={formatWait}
                testId="chart-duration"
                label="p95 run duration over time"
              />
            )}
          </DashboardPanel>
          {!flowId && retriesPanel}
          <DashboardPanel
            title="Breakers"
            hint="Each upstream's circuit breaker across the range (every flow)"
            query={upstreams}
            isEmpty={(u) => !hasBreakers(u)}
            empty="No upstream has a circuit breaker yet: they appear once a node with a breaker calls one."
            testId="panel-breakers"
          >
            {(u) => <BreakerTimeline upstreams={u} window={window} />}
          </DashboardPanel>
          <DashboardPanel
            title="Rate-limit saturation"
            hint={`How often runs waited for a rate limit, ${activityBucket}`}
            query={upstreams}
            isEmpty={(u) => !hasRateLimits(u)}
            empty="No upstream has a rate limit. Set one in a node's reliability settings."
            testId="panel-rate-limits"
          >
            {(u) => (
              <>
                {activity.data && hasValues(activity.data.buckets, ['rateLimitWaits']) && (
                  <LineChart
                    buckets={activity.data.buckets}
                    lines={RATE_LIMIT_LINES}
                    format={formatCount}
                    testId="chart-rate-limit-waits"
                    label="Rate-limit waits over time"
                    height={120}
                  />
                )}
                <RateLimitTable upstreams={u} now={now} />
              </>
            )}
          </DashboardPanel>
          <DashboardPanel
            title="Slowest nodes"
            hint="p95 step duration per flow node and per node type"
            query={nodes}
            isEmpty={(n) => n.nodes.length === 0}
            empty="No steps ran in this range."
            testId="panel-slow-nodes"
            wide
          >
            {(n) => (
              <div className="dash-split">
                <SlowNodesTable nodes={n.nodes} showFlow={!flowId} />
                <NodeTypesTable nodeTypes={n.nodeTypes} />
              </div>
            )}
          </DashboardPanel>
          <DashboardPanel
            title="Workers alive"
            hint={`Worker processes with a heartbeat, ${activityBucket}`}
            query={activity}
            isEmpty={(a) => !hasValues(a.buckets, ['workersAlive'])}
            empty="No worker heartbeat recorded in this range."
            testId="panel-workers"
            wide
          >
            {(a) => (
              <LineChart
                buckets={a.buckets}
                lines={WORKER_LINES}
                format={formatCount}
                testId="chart-workers"
                label="Workers alive over time"
                height={120}
              />
            )}
          </DashboardPanel>
        </div>
      )}
    </div>
  );
}

function RetriesAndWaits({ buckets }: { buckets: readonly ActivityBucket[] }) {
  return (
    <div className="dash-stack">
      <LineChart
        buckets={buckets}
        lines={ATTEMPT_LINES}
        format={formatRatio}
        testId="chart-attempts"
        label="Attempts per run over time"
        height={110}
      />
      <LineChart
        buckets={buckets}
        lines={WAIT_LINES}
        format={formatWait}
        testId="chart-waits"
        label="Time waiting on breakers and rate limits over time"
        height={110}
      />
    </div>
  );
}
