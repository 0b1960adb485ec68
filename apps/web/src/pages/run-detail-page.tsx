/** `/runs/:id` — one run: header, the flow coloured by step status, and the steps. Polls while live. */
import { useQuery } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import { useMemo, useState } from 'react';
import { Link } from 'wouter';
import { errorCode, errorMessage } from '../api/api-error.ts';
import { useNodeTypes } from '../node-types/use-node-types.ts';
import { RunActions } from '../runs/run-actions.tsx';
import { RunCanvas } from '../runs/run-canvas.tsx';
import { RUN_TRIGGER_LABELS } from '../runs/run-trigger.ts';
import { RunValue } from '../runs/run-value.tsx';
import { RunWaitBanner } from '../runs/run-wait-banner.tsx';
import { groupStepsByNode } from '../runs/step-grouping.ts';
import { stepNamesOf } from '../runs/step-labels.ts';
import { StepList } from '../runs/step-list.tsx';
import { upstreamTargetOf } from '../runs/step-upstream.ts';
import { waitingSteps } from '../runs/step-wait.ts';
import { UpstreamBreaker } from '../runs/upstream-breaker.tsx';
import { useTRPC } from '../trpc.ts';
import { EmptyState } from '../ui/empty-state.tsx';
import { formatAbsolute, formatDuration, shortId } from '../ui/format.ts';
import { AlertIcon, EditorIcon, HistoryIcon } from '../ui/icons.tsx';
import { RelativeTime } from '../ui/relative-time.tsx';
import { isActiveRun, StatusBadge } from '../ui/status-badge.tsx';

const LIVE_POLL_MS = 500;

export function RunDetailPage({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const [selectedNodeId, setSelectedNodeId] = useState<string | null>(null);
  const nodeTypes = useNodeTypes();
  const run = useQuery(
    trpc.runs.get.queryOptions(
      { id: runId },
      {
        refetchInterval: (query) => (isActiveRun(query.state.data?.status) ? LIVE_POLL_MS : false),
      },
    ),
  );

  const steps = run.data?.steps;
  const groups = useMemo(() => groupStepsByNode(steps ?? []), [steps]);
  const waiting = useMemo(() => waitingSteps(groups), [groups]);
  const flowDocument = run.data?.document;
  const names = useMemo(() => stepNamesOf(flowDocument ?? { nodes: [] }), [flowDocument]);
  const notRun = useMemo(() => {
    const ran = new Set(groups.map((g) => g.nodeId));
    return (run.data?.document.nodes ?? []).map((n) => n.id).filter((id) => !ran.has(id));
  }, [groups, run.data?.document]);

  if (run.isError) {
    const notFound = errorCode(run.error) === 'NOT_FOUND';
    return (
      <EmptyState
        title={notFound ? 'Run not found' : "Couldn't load this run"}
        description={notFound ? undefined : errorMessage(run.error)}
        action={
          <Link href="/flows" className="btn btn--secondary">
            Back to flows
          </Link>
        }
      />
    );
  }
  if (!run.data || nodeTypes.isPending) return <div className="page-loading">Loading run…</div>;

  const data = run.data;
  const runErrorTarget = upstreamTargetOf(data.error);
  const live = isActiveRun(data.status);
  const elapsed =
    data.durationMs ?? (data.startedAt && live ? Date.now() - Date.parse(data.startedAt) : null);

  return (
    <div className="run-page" data-testid="run-detail">
      <div className="run-page__header">
        <nav className="breadcrumbs">
          <Link href="/flows">Flows</Link>
          <span className="breadcrumb-sep">/</span>
          {data.flowDeleted ? (
            <span>{data.flowName}</span>
          ) : (
            <Link href={`/flows/${data.flowId}`}>{data.flowName}</Link>
          )}
          <span className="breadcrumb-sep">/</span>
          <Link href={`/flows/${data.flowId}/runs`}>Runs</Link>
          <span className="breadcrumb-sep">/</span>
          <span className="mono">{shortId(data.id)}</span>
        </nav>
        <div className="run-title-row">
          <div className="run-title">
            <h1 className="page-title">{data.flowName}</h1>
            <span className="chip" title="Flow version that ran">
              v{data.flowVersion}
            </span>
            <StatusBadge status={data.status} testId="run-status" />
            {data.flowDeleted && (
              <span
                className="chip chip--muted"
                data-testid="run-flow-deleted"
                title="The flow was deleted; its run history is kept until an admin purges it."
              >
                Deleted flow
              </span>
            )}
            {live && <span className="spinner" role="status" aria-label="Updating" />}
          </div>
          <div className="page-header__actions">
            <Link href={`/flows/${data.flowId}/runs`} className="btn btn--ghost btn--sm">
              <HistoryIcon size={14} /> All runs
            </Link>
            {!data.flowDeleted && (
              <>
                <Link
                  href={`/flows/${data.flowId}`}
                  className="btn btn--secondary btn--sm"
                  data-testid="open-editor"
                >
                  <EditorIcon size={14} /> Open editor
                </Link>
                <RunActions run={data} />
              </>
            )}
          </div>
        </div>
        <dl className="run-meta">
          <div>
            <dt>Trigger</dt>
            <dd data-testid="run-trigger">{RUN_TRIGGER_LABELS[data.trigger]}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              <RelativeTime iso={data.createdAt} />
            </dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd title={data.startedAt ? formatAbsolute(data.startedAt) : undefined}>
              {data.startedAt ? formatAbsolute(data.startedAt) : '—'}
            </dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd className="mono" data-testid="run-duration">
              {formatDuration(elapsed)}
            </dd>
          </div>
          <div>
            <dt>Steps</dt>
            <dd>
              {groups.length} of {data.document.nodes.length}
            </dd>
          </div>
          {data.retryOfRunId && (
            <div>
              <dt>Retry of</dt>
              <dd>
                <Link
                  href={`/runs/${data.retryOfRunId}`}
                  className="mono run-link"
                  data-testid="retry-of-link"
                >
                  {shortId(data.retryOfRunId)}
                </Link>
                {data.retryMode && (
                  <span className="muted small">
                    {data.retryMode === 'failed_step' ? 'from failed step' : 'from start'}
                  </span>
                )}
              </dd>
            </div>
          )}
          {data.executions > 1 && (
            <div>
              <dt>Executions</dt>
              <dd
                data-testid="run-resumed"
                data-executions={data.executions}
                title={`Picked up by a worker ${data.executions} times: it was suspended during a wait, or its worker stopped, and resumed where it left off.`}
              >
                Resumed {data.executions - 1} {data.executions - 1 === 1 ? 'time' : 'times'}
              </dd>
            </div>
          )}
          <div>
            <dt>Run ID</dt>
            <dd className="mono small">{data.id}</dd>
          </div>
        </dl>
        {data.stepDataPrunedAt && (
          <p className="muted small" data-testid="run-step-data-pruned">
            Step inputs and outputs were pruned <RelativeTime iso={data.stepDataPrunedAt} /> by the
            data retention setting (PATCHBAY_STEP_DATA_RETENTION_DAYS).
          </p>
        )}
        {live && <RunWaitBanner run={data} waiting={waiting} onSelectNode={setSelectedNodeId} />}
        {data.error && (
          <div
            className={`callout run-error ${data.status === 'cancelled' ? 'callout--warning' : 'callout--danger'}`}
            data-testid="run-error"
          >
            <AlertIcon size={16} />
            <div>
              <div className="callout__title">
                <code>{data.error.code}</code> {data.error.message}
              </div>
              {data.error.nodeId && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => setSelectedNodeId(data.error?.nodeId ?? null)}
                >
                  Show step {data.error.nodeId}
                </button>
              )}
              {runErrorTarget && <UpstreamBreaker target={runErrorTarget} testId="run-breaker" />}
            </div>
          </div>
        )}
      </div>
      <div className="run-page__body">
        <div className="run-page__canvas">
          <ReactFlowProvider>
            <RunCanvas
              document={data.document}
              groups={groups}
              selectedNodeId={selectedNodeId}
              onSelectNode={setSelectedNodeId}
            />
          </ReactFlowProvider>
        </div>
        <aside className="run-page__steps">
          <div className="panel-heading">Steps</div>
          <StepList
            runId={data.id}
            groups={groups}
            names={names}
            notRun={notRun}
            selectedNodeId={selectedNodeId}
            onSelectNode={setSelectedNodeId}
          />
          <details className="run-input">
            <summary>Run input</summary>
            <RunValue
              runId={data.id}
              field="input"
              value={data.input}
              truncated={data.inputTruncated}
              testId="run-input"
            />
          </details>
        </aside>
      </div>
    </div>
  );
}
