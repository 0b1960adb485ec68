/**
 * The run's steps, one row per node; a row expands into its attempts (status, duration, error),
 * the breaker of any upstream it failed on, and the chosen attempt's Input/Output/Error JSON
 * (large values as a preview with a download).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'wouter';
import type { StepRun } from '../api/types.ts';
import { CategoryIcon } from '../node-types/category-style.tsx';
import { useNodeTypes } from '../node-types/use-node-types.ts';
import { Countdown } from '../ui/countdown.tsx';
import { formatAbsolute, formatDuration, shortId } from '../ui/format.ts';
import { ChevronRightIcon, RetryIcon } from '../ui/icons.tsx';
import { JsonViewer } from '../ui/json-viewer.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { AttemptDots, AttemptList } from './attempt-list.tsx';
import { RunValue } from './run-value.tsx';
import type { NodeSteps } from './step-grouping.ts';
import { upstreamTargetsOf } from './step-upstream.ts';
import { UpstreamBreaker } from './upstream-breaker.tsx';
import { WaitNote } from './wait-note.tsx';

function Section({
  title,
  testId,
  defaultOpen,
  tone,
  children,
}: {
  title: string;
  testId: string;
  defaultOpen: boolean;
  tone?: 'danger';
  children: React.ReactNode;
}) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <div className={`step-section${tone ? ` step-section--${tone}` : ''}`} data-testid={testId}>
      <button
        type="button"
        className="step-section__toggle"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
      >
        <ChevronRightIcon size={12} className={`chevron${open ? ' is-open' : ''}`} />
        {title}
      </button>
      {open && <div className="step-section__body">{children}</div>}
    </div>
  );
}

function AttemptDetail({ runId, step, nodeId }: { runId: string; step: StepRun; nodeId: string }) {
  const notStarted = step.status === 'waiting' && step.startedAt === null;
  return (
    <div className="step-detail">
      {!notStarted && (
        <dl className="step-meta">
          <div>
            <dt>Started</dt>
            <dd>{step.startedAt ? formatAbsolute(step.startedAt) : '—'}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd className="mono">{formatDuration(step.durationMs)}</dd>
          </div>
          {step.port && (
            <div>
              <dt>Output port</dt>
              <dd>
                <code>{step.port}</code>
              </dd>
            </div>
          )}
          {step.skipReason && (
            <div>
              <dt>Skipped</dt>
              <dd>{step.skipReason}</dd>
            </div>
          )}
          {step.retryDelayMs !== null && (
            <div>
              <dt>Retry delay</dt>
              <dd className="mono" data-testid={`step-${nodeId}-retry-delay`}>
                {formatDuration(step.retryDelayMs)}
              </dd>
            </div>
          )}
          {step.status !== 'waiting' && step.nextAttemptAt && (
            <div>
              <dt>Next attempt at</dt>
              <dd>{formatAbsolute(step.nextAttemptAt)}</dd>
            </div>
          )}
        </dl>
      )}
      {step.status === 'waiting' && <WaitNote step={step} testId={`step-waiting-${nodeId}`} />}
      {step.error && (
        <Section title="Error" testId={`step-${nodeId}-error`} defaultOpen tone="danger">
          <div className="step-error-message">
            <code>{step.error.code}</code> {step.error.message}
          </div>
          <JsonViewer value={step.error} />
        </Section>
      )}
      {step.status !== 'skipped' && (
        <Section title="Input" testId={`step-${nodeId}-input`} defaultOpen={!step.error}>
          <RunValue
            runId={runId}
            stepId={step.id}
            nodeId={nodeId}
            field="input"
            value={step.input}
            truncated={step.inputTruncated}
            testId={`step-${nodeId}-input-value`}
          />
        </Section>
      )}
      {step.status === 'succeeded' && (
        <Section title="Output" testId={`step-${nodeId}-output`} defaultOpen>
          <RunValue
            runId={runId}
            stepId={step.id}
            nodeId={nodeId}
            field="output"
            value={step.output}
            truncated={step.outputTruncated}
            testId={`step-${nodeId}-output-value`}
          />
        </Section>
      )}
    </div>
  );
}

function StepRow({
  runId,
  group,
  expanded,
  onToggle,
}: {
  runId: string;
  group: NodeSteps;
  expanded: boolean;
  onToggle: () => void;
}) {
  const descriptor = useNodeTypes().data?.byType.get(group.nodeType);
  const [attemptIndex, setAttemptIndex] = useState<number | null>(null);
  const shownIndex = attemptIndex ?? group.attempts.length - 1;
  const shown = group.attempts[shownIndex] ?? group.latest;
  const targets = useMemo(() => upstreamTargetsOf(group.attempts), [group.attempts]);
  const reusedFrom = group.latest.reusedFromRunId;
  const ref = useRef<HTMLLIElement>(null);

  useEffect(() => {
    if (expanded) ref.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [expanded]);

  return (
    <li
      ref={ref}
      className={`step-row step-row--${group.latest.status}${expanded ? ' is-expanded' : ''}`}
      data-testid={`step-${group.nodeId}`}
      data-status={group.latest.status}
      data-reused={reusedFrom ? 'true' : undefined}
    >
      <button
        type="button"
        className="step-row__summary"
        onClick={onToggle}
        aria-expanded={expanded}
      >
        <ChevronRightIcon size={12} className={`chevron${expanded ? ' is-open' : ''}`} />
        <CategoryIcon category={descriptor?.category} size={13} svg={descriptor?.icon} />
        <span className="step-row__name">
          <span className="step-row__title">{descriptor?.title ?? group.nodeType}</span>
          <code className="step-row__id">{group.nodeId}</code>
        </span>
        {group.attempts.length > 1 && <AttemptDots attempts={group.attempts} />}
        {group.latest.status === 'waiting' && group.latest.nextAttemptAt ? (
          <span className="step-row__duration step-row__duration--waiting mono">
            <Countdown until={group.latest.nextAttemptAt} />
          </span>
        ) : (
          <span className="step-row__duration mono">{formatDuration(group.latest.durationMs)}</span>
        )}
        <StatusBadge status={group.latest.status} compact testId={`step-status-${group.nodeId}`} />
      </button>
      {group.latest.status === 'waiting' && !expanded && (
        <WaitNote step={group.latest} testId={`step-waiting-${group.nodeId}`} />
      )}
      {reusedFrom && (
        <div className="step-row__note" data-testid={`step-reused-${group.nodeId}`}>
          <RetryIcon size={12} />
          Reused from run{' '}
          <Link href={`/runs/${reusedFrom}`} className="mono" data-testid="reused-from-link">
            {shortId(reusedFrom)}
          </Link>
        </div>
      )}
      {targets.length > 0 && (
        <div className="step-row__upstreams">
          {targets.map((target) => (
            <UpstreamBreaker key={target} target={target} testId={`step-breaker-${group.nodeId}`} />
          ))}
        </div>
      )}
      {expanded && (
        <div className="step-row__body">
          {group.attempts.length > 1 && (
            <AttemptList group={group} shownIndex={shownIndex} onShow={setAttemptIndex} />
          )}
          <AttemptDetail runId={runId} step={shown} nodeId={group.nodeId} />
        </div>
      )}
    </li>
  );
}

export function StepList({
  runId,
  groups,
  notRun,
  selectedNodeId,
  onSelectNode,
}: {
  runId: string;
  groups: readonly NodeSteps[];
  notRun: readonly string[];
  selectedNodeId: string | null;
  onSelectNode: (nodeId: string | null) => void;
}) {
  return (
    <div className="steps" data-testid="step-list">
      {groups.length === 0 && (
        <div className="steps__empty muted small">No steps have started yet.</div>
      )}
      <ol className="steps__list">
        {groups.map((group) => (
          <StepRow
            key={group.nodeId}
            runId={runId}
            group={group}
            expanded={selectedNodeId === group.nodeId}
            onToggle={() => onSelectNode(selectedNodeId === group.nodeId ? null : group.nodeId)}
          />
        ))}
      </ol>
      {notRun.length > 0 && (
        <div className="steps__not-run">
          <span className="muted small">Not run:</span>
          {notRun.map((id) => (
            <code key={id} className="chip chip--muted" data-testid={`not-run-${id}`}>
              {id}
            </code>
          ))}
        </div>
      )}
    </div>
  );
}
